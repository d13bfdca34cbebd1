package io.ucp.billing.support.contract;

import io.quarkus.test.junit.callback.QuarkusTestAfterAllCallback;
import io.quarkus.test.junit.callback.QuarkusTestAfterEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestBeforeClassCallback;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestContext;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/**
 * Installs {@link ContractValidation} for every @QuarkusTest (registered in META-INF/services, so no test can
 * forget it) and tells it which test runs, for {@link InvalidRequests}. Quarkus calls these inside the test's own
 * class loader, the one whose RestAssured the tests use.
 */
public class ContractCallbacks implements QuarkusTestBeforeClassCallback, QuarkusTestBeforeEachCallback,
        QuarkusTestAfterEachCallback, QuarkusTestAfterAllCallback {

    @Override
    public void beforeClass(Class<?> testClass) {
        ContractValidation.install();
        // Requests of @BeforeAll methods run before any test method: the class's own opt-out applies to them.
        ContractValidation.running(testClass.getName(),
                reason(testClass.getAnnotation(InvalidRequests.class), testClass.getName()));
    }

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        ContractValidation.install();
        InvalidRequests onMethod = context.getTestMethod().getAnnotation(InvalidRequests.class);
        InvalidRequests onClass = context.getTestInstance().getClass().getAnnotation(InvalidRequests.class);
        String where = context.getTestInstance().getClass().getName() + "." + context.getTestMethod().getName();
        ContractValidation.running(where, reason(onMethod != null ? onMethod : onClass, where));
    }

    @Override
    public void afterEach(QuarkusTestMethodContext context) {
        ContractValidation.running(context.getTestInstance().getClass().getName() + " (after a test)", null);
    }

    @Override
    public void afterAll(QuarkusTestContext context) {
        ContractValidation.running(null, null);
    }

    private static String reason(InvalidRequests optOut, String where) {
        if (optOut == null) {
            return null;
        }
        if (optOut.value().isBlank()) {
            throw new IllegalStateException(where + ": @InvalidRequests needs its reason");
        }
        return optOut.value();
    }
}

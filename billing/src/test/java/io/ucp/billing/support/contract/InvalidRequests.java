package io.ucp.billing.support.contract;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The test sends requests the API document does not allow, on purpose (bad input, no or a foreign token, an
 * unknown path): the contract validator then skips the requests of that test, never its responses, which must
 * still be what the document says the operation answers. {@link #value} is the reason, required.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface InvalidRequests {

    /** Why the test's requests break the contract; an empty reason is refused. */
    String value();
}

package io.ucp.signaling.device;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the device directory is loaded: before that, devices on other instances would look offline. */
@Readiness
@ApplicationScoped
public class DeviceDirectoryReadinessCheck implements HealthCheck {

    private final DeviceRegistry registry;

    public DeviceDirectoryReadinessCheck(DeviceRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("Device directory").status(registry.ready()).build();
    }
}

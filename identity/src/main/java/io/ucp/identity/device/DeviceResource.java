package io.ucp.identity.device;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.common.Idempotency;
import io.ucp.identity.platform.security.CurrentUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/devices")
@Tag(name = "Devices")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {

    private final DeviceService devices;
    private final CurrentUser currentUser;
    private final Idempotency idempotency;

    public DeviceResource(DeviceService devices, CurrentUser currentUser, Idempotency idempotency) {
        this.devices = devices;
        this.currentUser = currentUser;
        this.idempotency = idempotency;
    }

    public record Registration(@NotBlank @Schema(enumeration = {"web", "mobile", "desktop", "sip"}) String type,
            @NotBlank @Size(max = 200) String name,
            @Size(max = 4096) String pushToken) {
    }

    public record DevicePatch(@Size(min = 1, max = 200) String name, @Size(max = 4096) String pushToken) {
    }

    @POST
    @Operation(operationId = "registerDevice",
            summary = "Register a device; a SIP device's credentials are in this answer only (Idempotency-Key "
                + "honoured; a replay omits the SIP password)")
    @APIResponseSchema(value = Device.class, responseCode = "201",
            responseDescription = "Device registered (or the first answer replayed for the same Idempotency-Key, "
                + "without the SIP password)")
    @APIResponse(responseCode = "409", description = "The per-account device cap is reached, or a request with this "
            + "Idempotency-Key is still being processed")
    @APIResponse(responseCode = "422", description = "This Idempotency-Key was used with a different request")
    public Uni<Response> register(@Valid @NotNull Registration body, @HeaderParam(Idempotency.HEADER) String key) {
        UUID me = currentUser.id();
        return idempotency.run("device:" + me, key, body, 201,
                () -> devices.register(me, body.type(), body.name(), body.pushToken()),
                (Device d) -> d.sipCredentials() == null ? d
                        : d.withCredentials(new Device.SipCredentials(d.sipCredentials().username(), null,
                                d.sipCredentials().realm())));
    }

    @GET
    @Operation(operationId = "listMyDevices", summary = "My devices (at most the per-account cap, so not paginated)")
    public Uni<List<Device>> list() {
        return devices.list(currentUser.id());
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getMyDevice", summary = "One of my devices")
    @APIResponse(responseCode = "404", description = "No such device of mine")
    @APIResponseSchema(value = Device.class, responseCode = "200", responseDescription = "The device")
    public Uni<Device> get(@PathParam("id") UUID id) {
        return devices.get(currentUser.id(), id);
    }

    @PATCH
    @Path("{id}")
    @Operation(operationId = "updateMyDevice", summary = "Rename a device or change its push token (\"\" removes it)")
    @APIResponse(responseCode = "404", description = "No such device of mine")
    @APIResponseSchema(value = Device.class, responseCode = "200", responseDescription = "The changed device")
    public Uni<Device> update(@PathParam("id") UUID id, @Valid @NotNull DevicePatch body) {
        return devices.update(currentUser.id(), id, body.name(), body.pushToken());
    }

    @POST
    @Path("{id}/seen")
    @Operation(operationId = "markMyDeviceSeen", summary = "The device reports in: last seen = now")
    @APIResponse(responseCode = "404", description = "No such device of mine")
    @APIResponseSchema(value = Device.class, responseCode = "200",
            responseDescription = "The device with its new last-seen time")
    public Uni<Device> seen(@PathParam("id") UUID id) {
        return devices.seen(currentUser.id(), id);
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "removeMyDevice", summary = "Remove a device")
    @APIResponse(responseCode = "204", description = "Device removed")
    @APIResponse(responseCode = "404", description = "No such device of mine")
    public Uni<Void> remove(@PathParam("id") UUID id) {
        return devices.remove(currentUser.id(), id);
    }
}

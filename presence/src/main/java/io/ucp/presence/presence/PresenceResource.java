package io.ucp.presence.presence;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.conversation.Cursors;
import io.ucp.presence.platform.security.CurrentUser;
import io.ucp.presence.presence.PresenceApi.Heartbeat;
import io.ucp.presence.presence.PresenceApi.OwnPresence;
import io.ucp.presence.presence.PresenceApi.PresencePage;
import io.ucp.presence.presence.PresenceApi.PresenceView;
import io.ucp.presence.presence.PresenceApi.SetPresence;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/presence")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Presence", description = "My presence, the presence of those I watch, device heartbeats")
public class PresenceResource {

    private final PresenceService presence;
    private final DeviceRegistry devices;
    private final CurrentUser user;

    public PresenceResource(PresenceService presence, DeviceRegistry devices, CurrentUser user) {
        this.presence = presence;
        this.devices = devices;
        this.user = user;
    }

    @GET
    @Path("/me")
    @Operation(operationId = "getMyPresence", summary = "My presence as published, with my chosen state")
    public Uni<OwnPresence> me() {
        return presence.own(user.id());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/me")
    @Operation(operationId = "setMyPresence",
            summary = "Choose my state (available, away, busy, dnd, appear-offline) and status text")
    public Uni<OwnPresence> set(@Valid @NotNull SetPresence body) {
        return presence.set(user.id(), body);
    }

    @GET
    @Path("/watched")
    @Operation(operationId = "listWatchedPresence", summary = "Presence of everyone who approved my subscription")
    public Uni<PresencePage> watched(@QueryParam("cursor") @Size(max = 100) String cursor,
            @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "500", defaultValue = "100")) String limit) {
        return presence.watched(user.id(), cursor, Cursors.limitParameter(limit, 100, 500));
    }

    @GET
    @Path("/accounts/{accountId}")
    @Operation(operationId = "getAccountPresence",
            summary = "One account's presence (only if it approved me; else 404)")
    @APIResponseSchema(value = PresenceView.class, responseCode = "200", responseDescription = "Its presence")
    @APIResponse(responseCode = "404", description = "No such account, or it has not approved my subscription")
    public Uni<PresenceView> ofAccount(@PathParam("accountId") UUID account) {
        return presence.ofOther(user.id(), account);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/devices/{deviceId}/heartbeat")
    @Operation(operationId = "heartbeatDevice",
            summary = "Keep a device without a feed connection online (repeat within the device TTL)")
    @APIResponse(responseCode = "204", description = "The device is online until the TTL passes")
    public Uni<Response> heartbeat(@PathParam("deviceId") @Pattern(regexp = "[A-Za-z0-9._:-]{1,100}") String deviceId,
            @Valid @RequestBody(required = false) Heartbeat body) {
        UUID me = user.id();
        return devices.alive(me, "rest:" + deviceId, body == null ? null : body.idle())
                .chain(() -> presence.recompute(me)).map(v -> Response.noContent().build());
    }

    @DELETE
    @Path("/devices/{deviceId}")
    @Operation(operationId = "removeDevicePresence",
            summary = "The device goes away (offline after the grace period if it was the last)")
    @APIResponse(responseCode = "204", description = "The device is gone (whether or not it was known)")
    public Uni<Response> gone(@PathParam("deviceId") @Pattern(regexp = "[A-Za-z0-9._:-]{1,100}") String deviceId) {
        return devices.gone(user.id(), "rest:" + deviceId).map(v -> Response.noContent().build());
    }
}

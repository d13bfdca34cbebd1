package io.ucp.presence.presence;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.platform.security.CurrentUser;
import io.ucp.presence.presence.PresenceApi.Heartbeat;
import io.ucp.presence.presence.PresenceApi.OwnPresence;
import io.ucp.presence.presence.PresenceApi.PresencePage;
import io.ucp.presence.presence.PresenceApi.PresenceView;
import io.ucp.presence.presence.PresenceApi.SetPresence;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/presence")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
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
    @Operation(summary = "My presence as published, with my chosen state")
    public Uni<OwnPresence> me() {
        return presence.own(user.id());
    }

    @PUT
    @Path("/me")
    @Operation(summary = "Choose my state (available, away, busy, dnd, appear-offline) and status text")
    public Uni<OwnPresence> set(@Valid @NotNull SetPresence body) {
        return presence.set(user.id(), body);
    }

    @GET
    @Path("/watched")
    @Operation(summary = "Presence of everyone who approved my subscription")
    public Uni<PresencePage> watched(@QueryParam("cursor") @Size(max = 100) String cursor,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(500) int limit) {
        return presence.watched(user.id(), cursor, limit);
    }

    @GET
    @Path("/accounts/{accountId}")
    @Operation(summary = "One account's presence (only if it approved me; else 404)")
    public Uni<PresenceView> ofAccount(@PathParam("accountId") UUID account) {
        return presence.ofOther(user.id(), account);
    }

    @POST
    @Path("/devices/{deviceId}/heartbeat")
    @Operation(summary = "Keep a device without a feed connection online (repeat within the device TTL)")
    public Uni<Response> heartbeat(@PathParam("deviceId") @Pattern(regexp = "[A-Za-z0-9._:-]{1,100}") String deviceId,
            @Valid Heartbeat body) {
        UUID me = user.id();
        return devices.alive(me, "rest:" + deviceId, body == null ? null : body.idle())
                .chain(() -> presence.recompute(me)).map(v -> Response.noContent().build());
    }

    @DELETE
    @Path("/devices/{deviceId}")
    @Operation(summary = "The device goes away (offline after the grace period if it was the last)")
    public Uni<Response> gone(@PathParam("deviceId") @Pattern(regexp = "[A-Za-z0-9._:-]{1,100}") String deviceId) {
        return devices.gone(user.id(), "rest:" + deviceId).map(v -> Response.noContent().build());
    }
}

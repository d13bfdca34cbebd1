package io.ucp.presence.conversation;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.conversation.ConversationApi.ChannelPage;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/channels")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Conversations")
public class ChannelResource {

    private final ConversationService conversations;

    public ChannelResource(ConversationService conversations) {
        this.conversations = conversations;
    }

    @GET
    @Operation(operationId = "searchChannels", summary = "Find channels by name prefix (any user may join them)")
    public Uni<ChannelPage> channels(@QueryParam("q") @Size(max = 200) String prefix,
            @QueryParam("cursor") @Size(max = 400) String cursor,
            @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "100", defaultValue = "50")) String limit) {
        return conversations.channels(prefix, cursor, Cursors.limitParameter(limit, 50, 100));
    }
}

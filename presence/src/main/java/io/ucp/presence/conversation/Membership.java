package io.ucp.presence.conversation;

import io.smallrye.mutiny.Uni;
import io.ucp.presence.platform.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/** The caller's place in a conversation; absent membership is "not found" (nobody learns what exists). */
public record Membership(UUID conversationId, UUID accountId, Kind kind, Role postingRole, Role role) {

    private static final String SQL = "SELECT c.kind, c.posting_role, p.role FROM conversations c "
            + "JOIN conversation_participants p ON p.conversation_id = c.id AND p.account_id = $2 WHERE c.id = $1";

    /** Loads the membership or fails with 404; {@code lockConversation} serialises writers of one conversation. */
    public static Uni<Membership> require(SqlClient client, UUID conversationId, UUID accountId,
            boolean lockConversation) {
        return client.preparedQuery(lockConversation ? SQL + " FOR UPDATE OF c" : SQL)
                .execute(Tuple.of(conversationId, accountId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("Conversation " + conversationId);
                    }
                    Row row = rows.iterator().next();
                    return new Membership(conversationId, accountId, Kind.of(row.getString("kind")),
                            Role.of(row.getString("posting_role")), Role.of(row.getString("role")));
                });
    }

    /** Everyone in the conversation now (events carry it so each feed instance can fan out without a lookup). */
    public static Uni<List<UUID>> participants(SqlClient client, UUID conversationId) {
        return client.preparedQuery("SELECT account_id FROM conversation_participants WHERE conversation_id = $1")
                .execute(Tuple.of(conversationId))
                .map(rows -> {
                    List<UUID> ids = new java.util.ArrayList<>(rows.size());
                    rows.forEach(r -> ids.add(r.getUUID("account_id")));
                    return ids;
                });
    }

    public boolean mayManage() {
        return kind != Kind.DIRECT && role.atLeast(Role.ADMIN);
    }

    public boolean mayPost() {
        return role.atLeast(postingRole);
    }
}

package io.ucp.presence.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.conversation.ActiveChats;
import io.ucp.presence.conversation.Cursors;
import io.ucp.presence.conversation.Kind;
import io.ucp.presence.conversation.Membership;
import io.ucp.presence.conversation.MessagingConfig;
import io.ucp.presence.conversation.Role;
import io.ucp.presence.message.MessageApi.MarkRead;
import io.ucp.presence.message.MessageApi.MessagePage;
import io.ucp.presence.message.MessageApi.MessageView;
import io.ucp.presence.message.MessageApi.ReadState;
import io.ucp.presence.message.MessageApi.SendMessage;
import io.ucp.presence.platform.outbox.OutboxWriter;
import io.ucp.presence.platform.outbox.OutgoingEvent;
import io.ucp.presence.platform.problem.ProblemException;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Messages of a conversation. Sending takes the conversation row lock through its seq counter, so seqs are
 * gap-free and in commit order per conversation; the event goes out through the outbox in the same transaction.
 */
@ApplicationScoped
public class MessageService {

    static final String COLUMNS = "id, conversation_id, seq, sender_account_id, client_message_id, body, "
            + "attachments::text AS attachments, created_at, edited_at, deleted_at, deleted_by";

    /** A send carried by a retried request: the first message, and whether this call created it. */
    public record Sent(MessageView message, boolean created) {
    }

    private final Pool pool;
    private final OutboxWriter outbox;
    private final ActiveChats activeChats;
    private final MessagingConfig config;
    private final ObjectMapper mapper;
    private final String topic;

    public MessageService(Pool pool, OutboxWriter outbox, ActiveChats activeChats, MessagingConfig config,
            ObjectMapper mapper, @ConfigProperty(name = "ucp.topics.message-events") String topic) {
        this.pool = pool;
        this.outbox = outbox;
        this.activeChats = activeChats;
        this.config = config;
        this.mapper = mapper;
        this.topic = topic;
    }

    /**
     * Sends a message. {@code clientMessageId} (or the Idempotency-Key) is stored on the message: a retry returns
     * the first message and changes nothing; the same id with a different body is refused (422).
     */
    public Uni<Sent> send(UUID me, UUID conversationId, SendMessage request, String idempotencyKey) {
        return send(me, conversationId, request.body(), List.of(), request.clientMessageId() != null
                ? request.clientMessageId() : idempotencyKey);
    }

    public Uni<Sent> send(UUID me, UUID conversationId, String body, List<Map<String, Object>> attachments,
            String clientMessageId) {
        if (clientMessageId != null && clientMessageId.length() > 200) {
            throw ProblemException.badRequest("clientMessageId", "at most 200 characters");
        }
        String text = checkedBody(body, !attachments.isEmpty());
        String attachmentJson = new JsonArray(new ArrayList<Object>(attachments)).encode();
        return pool.withTransaction(tx -> existing(tx, conversationId, me, clientMessageId).chain(found -> {
            if (found != null) {
                return Uni.createFrom().item(found).map(m -> replay(m, text));
            }
            return insert(tx, me, conversationId, text, attachmentJson, clientMessageId)
                    .map(m -> new Sent(m, true));
        }))
                // Two concurrent sends with one client id: the loser hits the unique key and returns the winner's.
                .onFailure(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
                        && clientMessageId != null)
                .recoverWithUni(() -> pool.withConnection(c -> existing(c, conversationId, me, clientMessageId))
                        .map(m -> replay(m, text)))
                .call(sent -> sent.created() ? participantsAfter(conversationId)
                        .chain(ids -> activeChats.touch(ids, conversationId, sent.message().createdAt()))
                        : Uni.createFrom().voidItem());
    }

    private Sent replay(MessageView first, String text) {
        // An edited or deleted message no longer shows what was sent; the id alone identifies the retry then.
        boolean changedSince = first.deleted() || first.editedAt() != null;
        if (!changedSince && !java.util.Objects.equals(first.body(), text)) {
            throw ProblemException.unprocessable("This client message id was used for a different message");
        }
        return new Sent(first, false);
    }

    private Uni<MessageView> insert(SqlClient tx, UUID me, UUID conversationId, String text, String attachments,
            String clientMessageId) {
        return Membership.require(tx, conversationId, me, false).chain(m -> {
            if (!m.mayPost()) {
                throw ProblemException.forbidden("Only " + m.postingRole().value() + "s and above may post here");
            }
            return tx.preparedQuery("UPDATE conversations SET last_message_seq = last_message_seq + 1, "
                    + "last_message_at = now() WHERE id = $1 RETURNING last_message_seq")
                    .execute(Tuple.of(conversationId))
                    .chain(rows -> tx.preparedQuery("INSERT INTO messages (conversation_id, seq, sender_account_id, "
                            + "client_message_id, body, attachments) VALUES ($1, $2, $3, $4, $5, $6::text::jsonb) "
                            + "RETURNING " + COLUMNS)
                            .execute(Tuple.of(conversationId, rows.iterator().next().getLong("last_message_seq"), me,
                                    clientMessageId, text, attachments)))
                    .map(rows -> view(rows.iterator().next()))
                    // The sender has read what they wrote.
                    .call(msg -> tx.preparedQuery("UPDATE conversation_participants SET last_read_seq = $3, "
                            + "last_read_at = now() WHERE conversation_id = $1 AND account_id = $2 AND last_read_seq < $3")
                            .execute(Tuple.of(conversationId, me, msg.seq())))
                    .call(msg -> event(tx, "message.created", msg, messageData(msg)));
        });
    }

    public Uni<MessageView> edit(UUID me, UUID conversationId, UUID messageId, String body) {
        String text = checkedBody(body, false);
        return pool.withTransaction(tx -> Membership.require(tx, conversationId, me, false)
                .chain(m -> lockMessage(tx, conversationId, messageId))
                .chain(msg -> {
                    if (!msg.senderAccountId().equals(me)) {
                        throw ProblemException.forbidden("Only the sender may edit a message");
                    }
                    if (msg.deleted()) {
                        throw ProblemException.conflict("A deleted message cannot be edited");
                    }
                    if (text == null && (msg.attachments() == null || msg.attachments().isEmpty())) {
                        throw ProblemException.badRequest("body", "must not be blank");
                    }
                    return tx.preparedQuery("UPDATE messages SET body = $2, edited_at = now() WHERE id = $1 RETURNING "
                            + COLUMNS).execute(Tuple.of(messageId, text))
                            .map(rows -> view(rows.iterator().next()))
                            .call(edited -> event(tx, "message.edited", edited, messageData(edited)));
                }));
    }

    /** Deletes a message, leaving a tombstone; senders delete their own, owners and admins any. */
    public Uni<Void> delete(UUID me, UUID conversationId, UUID messageId) {
        return pool.withTransaction(tx -> Membership.require(tx, conversationId, me, false)
                .chain(m -> lockMessage(tx, conversationId, messageId).chain(msg -> {
                    if (!msg.senderAccountId().equals(me) && !(m.kind() != Kind.DIRECT && m.role().atLeast(Role.ADMIN))) {
                        throw ProblemException.forbidden("Only the sender, an owner or an admin may delete a message");
                    }
                    if (msg.deleted()) {
                        return Uni.createFrom().voidItem();
                    }
                    return tx.preparedQuery("UPDATE messages SET body = NULL, attachments = '[]'::jsonb, "
                            + "deleted_at = now(), deleted_by = $2 WHERE id = $1 RETURNING " + COLUMNS)
                            .execute(Tuple.of(messageId, me))
                            .map(rows -> view(rows.iterator().next()))
                            .chain(deleted -> {
                                Map<String, Object> data = new LinkedHashMap<>();
                                data.put("conversationId", conversationId);
                                data.put("messageId", messageId);
                                data.put("seq", deleted.seq());
                                data.put("senderAccountId", deleted.senderAccountId());
                                data.put("deletedBy", me);
                                data.put("deletedAt", deleted.deletedAt());
                                return event(tx, "message.deleted", deleted, data);
                            });
                })));
    }

    public Uni<MessageView> get(UUID me, UUID conversationId, UUID messageId) {
        return pool.withConnection(c -> Membership.require(c, conversationId, me, false)
                .chain(m -> c.preparedQuery("SELECT " + COLUMNS + " FROM messages WHERE conversation_id = $1 AND id = $2")
                        .execute(Tuple.of(conversationId, messageId)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("Message " + messageId);
                    }
                    return view(rows.iterator().next());
                }));
    }

    /**
     * A page of messages by seq. No cursor: the newest page. An older cursor pages back, a newer cursor forward;
     * tombstones are included so a client can remove what it shows.
     */
    public Uni<MessagePage> list(UUID me, UUID conversationId, String cursor, int limit) {
        boolean newer;
        long seq;
        if (cursor == null) {
            newer = false;
            seq = Long.MAX_VALUE;
        } else {
            String position = Cursors.decode(cursor);
            if (position.length() < 3 || !(position.startsWith("o:") || position.startsWith("n:"))) {
                throw Cursors.invalid();
            }
            newer = position.startsWith("n:");
            try {
                seq = Long.parseLong(position.substring(2));
            } catch (NumberFormatException e) {
                throw Cursors.invalid();
            }
        }
        String sql = newer
                ? "SELECT " + COLUMNS + " FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
                : "SELECT " + COLUMNS + " FROM messages WHERE conversation_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3";
        long position = seq;
        return pool.withConnection(c -> Membership.require(c, conversationId, me, false)
                .chain(m -> c.preparedQuery(sql).execute(Tuple.of(conversationId, position, limit))))
                .map(rows -> {
                    List<MessageView> items = new ArrayList<>(rows.size());
                    rows.forEach(r -> items.add(view(r)));
                    if (!newer) {
                        Collections.reverse(items);
                    }
                    String older = items.isEmpty()
                            ? (newer && position > 0 ? Cursors.encode("o:" + (position + 1)) : null)
                            : items.get(0).seq() > 1 ? Cursors.encode("o:" + items.get(0).seq()) : null;
                    long tail = items.isEmpty() ? (newer ? position : 0) : items.get(items.size() - 1).seq();
                    return new MessagePage(items, older, Cursors.encode("n:" + tail));
                });
    }

    /** Moves the caller's read horizon forward (never back, never past the last message). */
    public Uni<ReadState> markRead(UUID me, UUID conversationId, MarkRead request) {
        return pool.withTransaction(tx -> Membership.require(tx, conversationId, me, false)
                .chain(m -> tx.preparedQuery("UPDATE conversation_participants p SET last_read_seq = "
                        + "LEAST($3, c.last_message_seq), last_read_at = now() FROM conversations c "
                        + "WHERE c.id = p.conversation_id AND p.conversation_id = $1 AND p.account_id = $2 "
                        + "AND p.last_read_seq < LEAST($3, c.last_message_seq) RETURNING p.last_read_seq, p.last_read_at")
                        .execute(Tuple.of(conversationId, me, request.seq())))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    Row row = rows.iterator().next();
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("conversationId", conversationId);
                    data.put("accountId", me);
                    data.put("lastReadSeq", row.getLong("last_read_seq"));
                    data.put("readAt", row.getOffsetDateTime("last_read_at"));
                    return Membership.participants(tx, conversationId).chain(ids -> {
                        data.put("participantIds", ids);
                        return outbox.append(tx, OutgoingEvent.of(topic, conversationId.toString(), "read.updated",
                                "conversations/" + conversationId, data));
                    });
                })
                .chain(() -> readState(tx, conversationId, me)));
    }

    private Uni<ReadState> readState(SqlClient c, UUID conversationId, UUID me) {
        return c.preparedQuery("SELECT p.last_read_seq, p.last_read_at, (SELECT count(*) FROM messages m "
                + "WHERE m.conversation_id = p.conversation_id AND m.seq > p.last_read_seq AND m.deleted_at IS NULL "
                + "AND m.sender_account_id <> p.account_id) AS unread FROM conversation_participants p "
                + "WHERE p.conversation_id = $1 AND p.account_id = $2").execute(Tuple.of(conversationId, me))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new ReadState(conversationId, r.getLong("last_read_seq"), r.getOffsetDateTime("last_read_at"),
                            r.getLong("unread"));
                });
    }

    private Uni<MessageView> existing(SqlClient c, UUID conversationId, UUID me, String clientMessageId) {
        if (clientMessageId == null) {
            return Uni.createFrom().nullItem();
        }
        return c.preparedQuery("SELECT " + COLUMNS + " FROM messages WHERE conversation_id = $1 "
                + "AND sender_account_id = $2 AND client_message_id = $3")
                .execute(Tuple.of(conversationId, me, clientMessageId))
                // Only a participant learns that an earlier send exists.
                .chain(rows -> rows.size() == 0 ? Uni.createFrom().<MessageView>nullItem()
                        : Membership.require(c, conversationId, me, false).replaceWith(view(rows.iterator().next())));
    }

    private Uni<MessageView> lockMessage(SqlClient tx, UUID conversationId, UUID messageId) {
        return tx.preparedQuery("SELECT " + COLUMNS + " FROM messages WHERE conversation_id = $1 AND id = $2 FOR UPDATE")
                .execute(Tuple.of(conversationId, messageId)).map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("Message " + messageId);
                    }
                    return view(rows.iterator().next());
                });
    }

    private Uni<List<UUID>> participantsAfter(UUID conversationId) {
        return pool.withConnection(c -> Membership.participants(c, conversationId));
    }

    private Uni<Void> event(SqlClient tx, String type, MessageView message, Map<String, Object> data) {
        return Membership.participants(tx, message.conversationId()).chain(ids -> {
            data.put("participantIds", ids);
            return outbox.append(tx, OutgoingEvent.of(topic, message.conversationId().toString(), type,
                    "conversations/" + message.conversationId() + "/messages/" + message.id(), data));
        });
    }

    private static Map<String, Object> messageData(MessageView m) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("conversationId", m.conversationId());
        data.put("messageId", m.id());
        data.put("seq", m.seq());
        data.put("senderAccountId", m.senderAccountId());
        data.put("clientMessageId", m.clientMessageId());
        data.put("body", m.body());
        data.put("attachments", m.attachments());
        data.put("createdAt", m.createdAt());
        data.put("editedAt", m.editedAt());
        return data;
    }

    private String checkedBody(String body, boolean hasAttachments) {
        String text = body == null || body.isBlank() ? null : body;
        if (text == null && !hasAttachments) {
            throw ProblemException.badRequest("body", "must not be blank");
        }
        if (text != null && text.codePointCount(0, text.length()) > config.maxBodyChars()) {
            throw ProblemException.badRequest("body", "at most " + config.maxBodyChars() + " characters");
        }
        return text;
    }

    MessageView view(Row r) {
        JsonNode attachments;
        try {
            attachments = mapper.readTree(r.getString("attachments"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Unreadable attachments of message " + r.getUUID("id"), e);
        }
        return new MessageView(r.getUUID("id"), r.getUUID("conversation_id"), r.getLong("seq"),
                r.getUUID("sender_account_id"), r.getString("client_message_id"), r.getString("body"), attachments,
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("edited_at"), r.getOffsetDateTime("deleted_at"),
                r.getUUID("deleted_by"), r.getOffsetDateTime("deleted_at") != null);
    }
}

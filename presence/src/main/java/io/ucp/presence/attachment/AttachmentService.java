package io.ucp.presence.attachment;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.attachment.AttachmentApi.AttachmentRef;
import io.ucp.presence.attachment.AttachmentApi.Download;
import io.ucp.presence.attachment.AttachmentApi.Upload;
import io.ucp.presence.attachment.AttachmentApi.UploadRequest;
import io.ucp.presence.conversation.Membership;
import io.ucp.presence.message.MessageService;
import io.ucp.presence.platform.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * Attachments live in S3 and move by presigned URLs only: the service never proxies bytes. An upload URL is
 * signed with the content type and exact length, so the store itself refuses anything else; a message may then
 * reference the object, which is checked (exists, this conversation's key, allowed type and size) before it is
 * stored in the message. Download URLs are given to participants only.
 */
@ApplicationScoped
public class AttachmentService {

    private final S3Presigner presigner;
    private final S3AsyncClient s3;
    private final Pool pool;
    private final MessageService messages;
    private final AttachmentConfig config;
    private final String bucket;

    public AttachmentService(S3Presigner presigner, S3AsyncClient s3, Pool pool, MessageService messages,
            AttachmentConfig config, @ConfigProperty(name = "ucp.s3.attachments-bucket") String bucket) {
        this.presigner = presigner;
        this.s3 = s3;
        this.pool = pool;
        this.messages = messages;
        this.config = config;
        this.bucket = bucket;
    }

    public Uni<Upload> upload(UUID me, UUID conversationId, UploadRequest request) {
        String type = request.contentType().toLowerCase(Locale.ROOT).strip();
        if (!config.contentTypes().contains(type)) {
            throw ProblemException.badRequest("contentType", "not an allowed type " + config.contentTypes());
        }
        if (request.sizeBytes() > config.maxBytes()) {
            throw ProblemException.badRequest("sizeBytes", "at most " + config.maxBytes() + " bytes");
        }
        return pool.withConnection(c -> Membership.require(c, conversationId, me, false)).map(m -> {
            if (!m.mayPost()) {
                throw ProblemException.forbidden("Only " + m.postingRole().value() + "s and above may post here");
            }
            String key = "conversations/" + conversationId + "/" + UUID.randomUUID() + "/" + safeName(request.fileName());
            PresignedPutObjectRequest signed = presigner.presignPutObject(p -> p.signatureDuration(config.urlTtl())
                    .putObjectRequest(o -> o.bucket(bucket).key(key).contentType(type)
                            .contentLength(request.sizeBytes())));
            return new Upload(key, signed.url().toString(), "PUT", signed.signedHeaders(),
                    OffsetDateTime.ofInstant(signed.expiration(), ZoneOffset.UTC));
        });
    }

    /** Sends a message carrying uploaded attachments (and optional text). */
    public Uni<MessageService.Sent> send(UUID me, UUID conversationId, String body, List<AttachmentRef> refs,
            String clientMessageId) {
        if (refs.size() > config.maxPerMessage()) {
            throw ProblemException.badRequest("attachments", "at most " + config.maxPerMessage());
        }
        String prefix = "conversations/" + conversationId + "/";
        Uni<List<Map<String, Object>>> checked = Uni.createFrom().item(new ArrayList<>());
        for (int i = 0; i < refs.size(); i++) {
            AttachmentRef ref = refs.get(i);
            String field = "attachments[" + i + "].objectKey";
            if (!ref.objectKey().startsWith(prefix) || ref.objectKey().contains("..")) {
                throw ProblemException.badRequest(field, "is not an upload of this conversation");
            }
            checked = checked.chain(list -> head(ref.objectKey(), field).map(head -> {
                if (head.contentLength() > config.maxBytes()
                        || !config.contentTypes().contains(String.valueOf(head.contentType()).toLowerCase(Locale.ROOT))) {
                    throw ProblemException.badRequest(field, "the uploaded object is not an allowed type or size");
                }
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("object_key", ref.objectKey());
                item.put("content_type", head.contentType());
                item.put("size", head.contentLength());
                item.put("name", ref.name() != null ? ref.name()
                        : ref.objectKey().substring(ref.objectKey().lastIndexOf('/') + 1));
                list.add(item);
                return list;
            }));
        }
        Uni<List<Map<String, Object>>> verified = checked;
        // Membership first, so a stranger learns nothing about objects either.
        return pool.withConnection(c -> Membership.require(c, conversationId, me, false))
                .chain(() -> verified)
                .chain(items -> messages.send(me, conversationId, body, items, clientMessageId));
    }

    /** A download URL for attachment {@code index} of a message, for participants only. */
    public Uni<Download> download(UUID me, UUID conversationId, UUID messageId, int index) {
        return messages.get(me, conversationId, messageId).map(message -> {
            JsonNode items = message.attachments();
            if (items == null || index < 0 || index >= items.size()) {
                throw ProblemException.notFound("Attachment " + index + " of message " + messageId);
            }
            JsonNode item = items.get(index);
            String key = item.path("object_key").asText();
            PresignedGetObjectRequest signed = presigner.presignGetObject(p -> p.signatureDuration(config.urlTtl())
                    .getObjectRequest(o -> o.bucket(bucket).key(key)));
            return new Download(key, signed.url().toString(), item.path("content_type").asText(),
                    item.path("size").asLong(), item.path("name").asText(),
                    OffsetDateTime.ofInstant(signed.expiration(), ZoneOffset.UTC));
        });
    }

    private Uni<HeadObjectResponse> head(String key, String field) {
        return Uni.createFrom().completionStage(() -> s3.headObject(h -> h.bucket(bucket).key(key)))
                .onFailure(e -> e instanceof NoSuchKeyException
                        || e instanceof S3Exception s3e && s3e.statusCode() == 404
                        || e.getCause() instanceof NoSuchKeyException
                        || e.getCause() instanceof S3Exception c && c.statusCode() == 404)
                .transform(e -> ProblemException.badRequest(field, "nothing was uploaded under this key"));
    }

    static String safeName(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9._-]", "_");
        cleaned = cleaned.replaceAll("^\\.+", "_");
        return cleaned.isEmpty() ? "file" : cleaned.length() > 100 ? cleaned.substring(cleaned.length() - 100) : cleaned;
    }
}

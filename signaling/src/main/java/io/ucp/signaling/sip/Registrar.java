package io.ucp.signaling.sip;

import gov.nist.javax.sip.message.SIPRequest;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.routing.AccountCopies;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import javax.sip.ServerTransaction;
import javax.sip.address.SipURI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * REGISTER with digest authentication (MD5, qop=auth) against identity's SIP device credentials
 * ({@link SipDirectory}, fed by {@link SipCredentialListener}). Nonces are signed, bound to the source address,
 * expire and are used once. Failed attempts are counted per source address in Redis (a counter with a TTL, so the
 * structure stays bounded); past the limit a source gets 403 without a check until the window passes.
 */
@ApplicationScoped
public class Registrar {

    private final SipEdge edge;
    private final SipRequests requests;
    private final SipDirectory directory;
    private final AccountCopies copies;
    private final SipConfig config;
    private final SipConfig.Registrar settings;
    private final DigestNonces nonces;
    private final SipPhones phones;

    public Registrar(SipEdge edge, SipRequests requests, SipDirectory directory, AccountCopies copies, SipConfig config,
            SipCredentialSeal.Config sealConfig, SipPhones phones) {
        this.phones = phones;
        this.edge = edge;
        this.requests = requests;
        this.directory = directory;
        this.copies = copies;
        this.config = config;
        this.settings = config.registrar();
        this.nonces = new DigestNonces(Base64.getDecoder().decode(sealConfig.credentialKey()), settings.nonceTtl(),
                Clock.systemUTC());
    }

    void onRegister(Request request, ServerTransaction transaction) {
        String source = ((SIPRequest) request).getRemoteAddress().getHostAddress();
        directory.failures(source).chain(failures -> {
            if (failures >= settings.maxFailures()) {
                return reply(transaction, Response.FORBIDDEN, "Too many failed attempts");
            }
            AuthorizationHeader auth = (AuthorizationHeader) request.getHeader(AuthorizationHeader.NAME);
            if (auth == null) {
                return challenge(transaction, source, false);
            }
            return authenticate(request, transaction, auth, source);
        }).subscribe().with(ignored -> { }, e -> {
            Log.warnf("REGISTER failed: %s", e.toString());
            requests.respond(transaction, Response.SERVER_INTERNAL_ERROR, null);
        });
    }

    private Uni<Void> authenticate(Request request, ServerTransaction transaction, AuthorizationHeader auth,
            String source) {
        String nonce = auth.getNonce();
        String nc = auth.getParameter("nc");
        String cnonce = auth.getCNonce();
        String uri = auth.getParameter("uri");
        String username = auth.getUsername();
        boolean md5 = auth.getAlgorithm() == null || "MD5".equalsIgnoreCase(auth.getAlgorithm());
        if (!"Digest".equalsIgnoreCase(auth.getScheme()) || !md5 || !"auth".equals(auth.getQop()) || nc == null
                || cnonce == null || uri == null || username == null || !config.domain().equals(auth.getRealm())) {
            return fail(transaction, source);
        }
        if (!nonces.valid(nonce, source)) {
            return challenge(transaction, source, true);
        }
        return directory.useNonce(nonce, settings.nonceTtl()).chain(fresh -> {
            if (!fresh) {
                return challenge(transaction, source, true); // a replayed nonce: the client must take a new one
            }
            return directory.credential(username).chain(credential -> {
                if (credential == null) {
                    return fail(transaction, source);
                }
                String expected = DigestNonces.response(credential.ha1(), nonce, nc, cnonce, request.getMethod(), uri);
                if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                        String.valueOf(auth.getResponse()).getBytes(StandardCharsets.US_ASCII))) {
                    return fail(transaction, source);
                }
                SipURI to = (SipURI) ((ToHeader) request.getHeader(ToHeader.NAME)).getAddress().getURI();
                if (!username.equals(to.getUser())) {
                    return reply(transaction, Response.FORBIDDEN, "A device registers its own address only");
                }
                return copies.facts(credential.accountId(), credential.accountId()).chain(facts -> facts.callerSuspended()
                        ? reply(transaction, Response.FORBIDDEN, "Account suspended")
                        : bind(request, transaction, credential, source));
            });
        });
    }

    private Uni<Void> bind(Request request, ServerTransaction transaction, SipDirectory.Credential credential,
            String source) {
        ExpiresHeader expiresHeader = request.getExpires();
        Integer requestExpires = expiresHeader == null ? null : expiresHeader.getExpires();
        Map<String, Integer> bindings = new LinkedHashMap<>();
        boolean removeAll = false;
        ListIterator<?> contacts = request.getHeaders(ContactHeader.NAME);
        while (contacts.hasNext()) {
            ContactHeader contact = (ContactHeader) contacts.next();
            if (contact.isWildCard()) {
                if (requestExpires == null || requestExpires != 0 || request.getHeaders(ContactHeader.NAME) == null) {
                    return reply(transaction, Response.BAD_REQUEST, "Contact * needs Expires: 0");
                }
                removeAll = true;
                continue;
            }
            int asked = contact.getExpires() >= 0 ? contact.getExpires()
                    : requestExpires != null ? requestExpires : settings.defaultExpires();
            if (asked > 0 && asked < settings.minExpires()) {
                Response tooBrief = requests.response(Response.INTERVAL_TOO_BRIEF, request, null);
                try {
                    tooBrief.addHeader(edge.headers().createMinExpiresHeader(settings.minExpires()));
                } catch (javax.sip.InvalidArgumentException e) {
                    throw new IllegalStateException(e);
                }
                requests.respond(transaction, tooBrief);
                return Uni.createFrom().voidItem();
            }
            bindings.put(contact.getAddress().getURI().toString(), Math.min(asked, settings.maxExpires()));
        }
        boolean wildcard = removeAll;
        return directory.contacts(credential.deviceId()).chain(existing -> {
            long kept = existing.stream().filter(c -> !bindings.containsKey(c.uri())).count();
            long added = bindings.values().stream().filter(s -> s > 0).count();
            if (!wildcard && kept + added > settings.maxContactsPerDevice()) {
                return reply(transaction, Response.FORBIDDEN, "Too many contacts for this device");
            }
            return directory.register(credential.deviceId(), bindings, wildcard, source)
                    .invoke(live -> requests.respond(transaction, ok(request, live)))
                    .invoke(live -> phones.registered(credential, live))
                    .replaceWithVoid();
        });
    }

    private Response ok(Request request, List<SipDirectory.Contact> live) {
        Response response = requests.response(Response.OK, request, null);
        long now = System.currentTimeMillis();
        try {
            for (SipDirectory.Contact contact : live) {
                ContactHeader header = edge.headers().createContactHeader(
                        edge.addresses().createAddress(edge.addresses().createURI(contact.uri())));
                header.setExpires((int) Math.max(0, (contact.expiresAtMillis() - now) / 1000));
                response.addHeader(header);
            }
        } catch (ParseException | javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
        return response;
    }

    private Uni<Void> fail(ServerTransaction transaction, String source) {
        return directory.countFailure(source, settings.failureWindow()).chain(count -> count >= settings.maxFailures()
                ? reply(transaction, Response.FORBIDDEN, "Too many failed attempts")
                : challenge(transaction, source, false));
    }

    private Uni<Void> challenge(ServerTransaction transaction, String source, boolean stale) {
        Response response = requests.response(Response.UNAUTHORIZED, transaction.getRequest(), null);
        try {
            WWWAuthenticateHeader header = edge.headers().createWWWAuthenticateHeader("Digest");
            header.setRealm(config.domain());
            header.setNonce(nonces.issue(source));
            header.setAlgorithm("MD5");
            header.setQop("auth");
            if (stale) {
                header.setParameter("stale", "true");
            }
            response.addHeader(header);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        requests.respond(transaction, response);
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> reply(ServerTransaction transaction, int status, String reason) {
        requests.respond(transaction, status, reason);
        return Uni.createFrom().voidItem();
    }
}

package io.ucp.signaling.sip;

import gov.nist.javax.sip.message.SIPRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.util.Base64;
import javax.sip.ServerTransaction;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Digest authentication (MD5, qop=auth) of a request against identity's SIP device credentials: REGISTER is
 * challenged as a registrar (401, WWW-Authenticate / Authorization), INVITE as a proxy (407, Proxy-Authenticate /
 * Proxy-Authorization). Nonces are signed, bound to the source address, expire and are used once. Failed attempts
 * are counted per source address in Redis (a counter with a TTL, so the structure stays bounded); past the limit a
 * source gets 403 without a check until the window passes.
 */
@ApplicationScoped
public class DigestAuthenticator {

    private final SipEdge edge;
    private final SipRequests requests;
    private final SipDirectory directory;
    private final SipConfig config;
    private final SipConfig.Registrar settings;
    private final DigestNonces nonces;

    public DigestAuthenticator(SipEdge edge, SipRequests requests, SipDirectory directory, SipConfig config,
            SipCredentialSeal.Config sealConfig, Clock clock) {
        this.edge = edge;
        this.requests = requests;
        this.directory = directory;
        this.config = config;
        this.settings = config.registrar();
        this.nonces = new DigestNonces(Base64.getDecoder().decode(sealConfig.credentialKey()), settings.nonceTtl(),
                clock);
    }

    /**
     * The device whose credentials signed {@code request}, or null when this answered it already (a challenge, or
     * 403 for a throttled source).
     */
    Uni<SipDirectory.Credential> authenticate(Request request, ServerTransaction transaction) {
        boolean proxy = !Request.REGISTER.equals(request.getMethod());
        String source = ((SIPRequest) request).getRemoteAddress().getHostAddress();
        return directory.failures(source).chain(failures -> {
            if (failures >= settings.maxFailures()) {
                return refuse(transaction, Response.FORBIDDEN, "Too many failed attempts");
            }
            AuthorizationHeader auth = (AuthorizationHeader) request.getHeader(
                    proxy ? ProxyAuthorizationHeader.NAME : AuthorizationHeader.NAME);
            if (auth == null) {
                return challenge(transaction, source, proxy, false);
            }
            return check(request, transaction, auth, source, proxy);
        });
    }

    private Uni<SipDirectory.Credential> check(Request request, ServerTransaction transaction,
            AuthorizationHeader auth, String source, boolean proxy) {
        String nonce = auth.getNonce();
        String nc = auth.getParameter("nc");
        String cnonce = auth.getCNonce();
        String uri = auth.getParameter("uri");
        String username = auth.getUsername();
        boolean md5 = auth.getAlgorithm() == null || "MD5".equalsIgnoreCase(auth.getAlgorithm());
        if (!"Digest".equalsIgnoreCase(auth.getScheme()) || !md5 || !"auth".equals(auth.getQop()) || nc == null
                || cnonce == null || uri == null || username == null || !config.domain().equals(auth.getRealm())) {
            return fail(transaction, source, proxy);
        }
        if (!nonces.valid(nonce, source)) {
            return challenge(transaction, source, proxy, true);
        }
        return directory.useNonce(nonce, settings.nonceTtl()).chain(fresh -> {
            if (!fresh) {
                return challenge(transaction, source, proxy, true); // a replayed nonce: the client takes a new one
            }
            return directory.credential(username).chain(credential -> {
                if (credential == null) {
                    return fail(transaction, source, proxy);
                }
                String expected = DigestNonces.response(credential.ha1(), nonce, nc, cnonce, request.getMethod(), uri);
                if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                        String.valueOf(auth.getResponse()).getBytes(StandardCharsets.US_ASCII))) {
                    return fail(transaction, source, proxy);
                }
                return Uni.createFrom().item(credential);
            });
        });
    }

    private Uni<SipDirectory.Credential> fail(ServerTransaction transaction, String source, boolean proxy) {
        return directory.countFailure(source, settings.failureWindow()).chain(count -> count >= settings.maxFailures()
                ? refuse(transaction, Response.FORBIDDEN, "Too many failed attempts")
                : challenge(transaction, source, proxy, false));
    }

    private Uni<SipDirectory.Credential> challenge(ServerTransaction transaction, String source, boolean proxy,
            boolean stale) {
        Response response = requests.response(proxy ? Response.PROXY_AUTHENTICATION_REQUIRED : Response.UNAUTHORIZED,
                transaction.getRequest(), null);
        try {
            WWWAuthenticateHeader header = proxy ? edge.headers().createProxyAuthenticateHeader("Digest")
                    : edge.headers().createWWWAuthenticateHeader("Digest");
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
        return Uni.createFrom().nullItem();
    }

    private Uni<SipDirectory.Credential> refuse(ServerTransaction transaction, int status, String reason) {
        requests.respond(transaction, status, reason);
        return Uni.createFrom().nullItem();
    }
}

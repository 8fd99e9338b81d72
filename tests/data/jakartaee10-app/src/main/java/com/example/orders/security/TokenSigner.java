package com.example.orders.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Subject;
import javax.security.auth.x500.X500Principal;

/** Signs the order links mailed to customers (HMAC-SHA256, URL-safe Base64). */
public final class TokenSigner {

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public TokenSigner(byte[] secret) {
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    public String sign(long orderId) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(ALGORITHM);
        mac.init(key);
        byte[] digest = mac.doFinal(Long.toString(orderId).getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    public boolean verify(long orderId, String token) throws GeneralSecurityException {
        byte[] expected = Base64.getUrlDecoder().decode(sign(orderId));
        byte[] given = Base64.getUrlDecoder().decode(token);
        return MessageDigest.isEqual(expected, given);
    }

    /** The identity the signer acts as when it calls the mail gateway (JAAS). */
    public static Subject serviceSubject() {
        X500Principal principal = new X500Principal("CN=orders,O=Example");
        return new Subject(true, Set.of(principal), Set.of(), Set.of());
    }
}

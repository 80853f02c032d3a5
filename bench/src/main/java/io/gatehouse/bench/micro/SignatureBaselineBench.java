package io.gatehouse.bench.micro;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under {@link PolicyBench}'s signature checks: the JDK's own RS256 (SHA256withRSA, 2048
 * bits) and ES256 (SHA256withECDSA on P-256) verification of a 600-byte input, the size of the
 * signed part of the benchmark tokens, with a new {@link Signature} per call as the JWT library does. Whatever {@code
 * PolicyBench.verifyRs256} costs above this is parsing, key selection and claim checks.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class SignatureBaselineBench {
    private final byte[] input = new byte[600];
    private KeyPair rsa;
    private KeyPair ec;
    private byte[] rsaSignature;
    private byte[] ecSignature;

    @Setup
    public void setUp() throws GeneralSecurityException {
        new Random(42).nextBytes(input);
        KeyPairGenerator rsaKeys = KeyPairGenerator.getInstance("RSA");
        rsaKeys.initialize(2048);
        rsa = rsaKeys.generateKeyPair();
        KeyPairGenerator ecKeys = KeyPairGenerator.getInstance("EC");
        ecKeys.initialize(new ECGenParameterSpec("secp256r1"));
        ec = ecKeys.generateKeyPair();
        rsaSignature = sign("SHA256withRSA", rsa);
        ecSignature = sign("SHA256withECDSAinP1363Format", ec);
    }

    private byte[] sign(String algorithm, KeyPair keys) throws GeneralSecurityException {
        Signature signature = Signature.getInstance(algorithm);
        signature.initSign(keys.getPrivate());
        signature.update(input);
        return signature.sign();
    }

    private boolean verify(String algorithm, KeyPair keys, byte[] signed) throws GeneralSecurityException {
        Signature signature = Signature.getInstance(algorithm);
        signature.initVerify(keys.getPublic());
        signature.update(input);
        if (!signature.verify(signed)) {
            throw new IllegalStateException(algorithm + ": signature did not verify");
        }
        return true;
    }

    @Benchmark
    public boolean jdkRs256() throws GeneralSecurityException {
        return verify("SHA256withRSA", rsa, rsaSignature);
    }

    @Benchmark
    public boolean jdkEs256() throws GeneralSecurityException {
        return verify("SHA256withECDSAinP1363Format", ec, ecSignature);
    }
}

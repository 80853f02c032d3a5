package io.gatehouse.node;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module direction of DESIGN.md, checked on the compiled classes of every module: {@code node ->
 * admin-api -> cluster-state}, {@code node -> policy-engine}, {@code node -> providers}; the three
 * lower modules do not import each other; nothing imports node; Hazelcast only in cluster-state;
 * Undertow only in node and admin-api.
 */
class ModuleDirectionTest {
    private static final String NODE = "io.gatehouse.node..";
    private static final String ADMIN = "io.gatehouse.admin..";
    private static final String CLUSTER = "io.gatehouse.cluster..";
    private static final String POLICY = "io.gatehouse.policy..";
    private static final String PROVIDERS = "io.gatehouse.providers..";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.gatehouse");
    }

    @Test
    void providersDependOnNoOtherGatehouseModule() {
        noClasses()
                .that()
                .resideInAPackage(PROVIDERS)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(POLICY, CLUSTER, ADMIN, NODE)
                .check(classes);
    }

    @Test
    void policyEngineDependsOnNoOtherGatehouseModule() {
        noClasses()
                .that()
                .resideInAPackage(POLICY)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(PROVIDERS, CLUSTER, ADMIN, NODE)
                .check(classes);
    }

    @Test
    void clusterStateDependsOnNoOtherGatehouseModule() {
        noClasses()
                .that()
                .resideInAPackage(CLUSTER)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(PROVIDERS, POLICY, ADMIN, NODE)
                .check(classes);
    }

    @Test
    void adminApiDependsOnlyOnClusterState() {
        noClasses()
                .that()
                .resideInAPackage(ADMIN)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(PROVIDERS, POLICY, NODE)
                .check(classes);
    }

    @Test
    void nothingDependsOnNode() {
        noClasses()
                .that()
                .resideOutsideOfPackage(NODE)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(NODE)
                .check(classes);
    }

    @Test
    void hazelcastStaysInClusterState() {
        noClasses()
                .that()
                .resideOutsideOfPackage(CLUSTER)
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.hazelcast..")
                .check(classes);
    }

    @Test
    void undertowStaysInNodeAndAdminApi() {
        noClasses()
                .that()
                .resideOutsideOfPackages(NODE, ADMIN)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.undertow..", "org.xnio..")
                .check(classes);
    }

    @Test
    void theAwsSdkStaysInTheBedrockAdapter() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.gatehouse.providers.bedrock..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("software.amazon..")
                .check(classes);
    }

    @Test
    void theAwsSignerBringsNoHttpClientOfItsOwn() {
        for (String client : new String[] {
            "software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient",
            "software.amazon.awssdk.http.apache.ApacheHttpClient",
            "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient",
            "software.amazon.awssdk.http.crt.AwsCrtHttpClient"
        }) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Class.forName(client))
                    .as(client)
                    .isInstanceOf(ClassNotFoundException.class);
        }
    }
}

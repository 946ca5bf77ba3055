package dev.dolly.agent.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RolesScriptTest {

    static final String DUMP = """
            SET default_transaction_read_only = off;
            SET client_encoding = 'UTF8';
            CREATE ROLE app;
            ALTER ROLE app WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS;
            CREATE ROLE postgres;
            ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;
            CREATE ROLE rdsadmin;
            ALTER ROLE rdsadmin WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS VALID UNTIL 'infinity';
            CREATE ROLE "Ops Team";
            ALTER ROLE "Ops Team" WITH SUPERUSER NOLOGIN;
            ALTER ROLE app SET search_path TO 'app', 'public';
            GRANT rds_superuser TO app GRANTED BY rdsadmin;
            GRANT "Ops Team" TO app GRANTED BY postgres;
            GRANT app TO postgres;
            """;

    @Test
    void keepsRolesAsTheyAreByDefaultButNeverTouchesExistingOnes() {
        List<String> s = RolesScript.filter(DUMP, Set.of("postgres"), false);
        assertThat(s).containsExactly(
                "CREATE ROLE app",
                "ALTER ROLE app WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS",
                "CREATE ROLE rdsadmin",
                "ALTER ROLE rdsadmin WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS VALID UNTIL 'infinity'",
                "CREATE ROLE \"Ops Team\"",
                "ALTER ROLE \"Ops Team\" WITH SUPERUSER NOLOGIN",
                "ALTER ROLE app SET search_path TO 'app', 'public'",
                "GRANT rds_superuser TO app GRANTED BY rdsadmin",
                "GRANT \"Ops Team\" TO app GRANTED BY postgres");
        assertThat(RolesScript.created(s)).containsExactly("app", "rdsadmin", "Ops Team");
    }

    @Test
    void stripsWhatManagedServicesRefuse() {
        List<String> s = RolesScript.filter(DUMP, Set.of("postgres"), true);
        assertThat(s).containsExactly(
                "CREATE ROLE app",
                "ALTER ROLE app WITH INHERIT NOCREATEROLE NOCREATEDB LOGIN",
                "CREATE ROLE \"Ops Team\"",
                "ALTER ROLE \"Ops Team\" WITH NOLOGIN",
                "ALTER ROLE app SET search_path TO 'app', 'public'",
                "GRANT \"Ops Team\" TO app");
    }

    @Test
    void neverLetsAPasswordThrough() {
        List<String> s = RolesScript.filter("CREATE ROLE x;\nALTER ROLE x WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:abc';\n", Set.of(), false);
        assertThat(s).containsExactly("CREATE ROLE x", "ALTER ROLE x WITH LOGIN");
    }
}

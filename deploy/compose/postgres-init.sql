-- One database and one login role per service; run once by the postgres
-- image on an empty data volume (`docker compose down -v` to re-run it).
-- Each role owns only its own database and PUBLIC loses CONNECT everywhere,
-- so no service can even open another service's database.
-- Passwords come from the container environment (psql \getenv, psql >= 15).
\set ON_ERROR_STOP on

\getenv content_password CONTENT_DB_PASSWORD
\getenv ambassadors_password AMBASSADORS_DB_PASSWORD
\getenv metrics_password METRICS_DB_PASSWORD

CREATE ROLE content LOGIN PASSWORD :'content_password';
CREATE DATABASE content OWNER content;
REVOKE ALL ON DATABASE content FROM PUBLIC;

CREATE ROLE ambassadors LOGIN PASSWORD :'ambassadors_password';
CREATE DATABASE ambassadors OWNER ambassadors;
REVOKE ALL ON DATABASE ambassadors FROM PUBLIC;

CREATE ROLE metrics LOGIN PASSWORD :'metrics_password';
CREATE DATABASE metrics OWNER metrics;
REVOKE ALL ON DATABASE metrics FROM PUBLIC;

-- The maintenance database is for the superuser only.
REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;

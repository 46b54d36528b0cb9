-- One PostgreSQL server, one database per service (and one for the web console). Alembic creates the tables
-- (python -m services.common.migrate upgrade); this only creates the databases.
--
-- docker-compose mounts this folder at /docker-entrypoint-initdb.d: the postgres image runs it
-- once, as POSTGRES_USER (who then owns the databases), when it initialises an empty data
-- volume. On a PostgreSQL you run yourself, run it as the role the services connect as:
--   psql "postgresql://cxloop@db-host:5432/postgres" -f deploy/postgres-init/01-create-databases.sql
CREATE DATABASE cx_survey TEMPLATE template0 ENCODING 'UTF8';
CREATE DATABASE cx_metrics TEMPLATE template0 ENCODING 'UTF8';
CREATE DATABASE cx_notifier TEMPLATE template0 ENCODING 'UTF8';
CREATE DATABASE cx_console TEMPLATE template0 ENCODING 'UTF8';

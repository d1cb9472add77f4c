#include "db/pool/connectioncheck.h"

#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"

#include <QElapsedTimer>

DbResult<ConnectionCheck::Outcome> ConnectionCheck::runBlocking(DatabaseConfig config)
{
    QElapsedTimer timer;
    timer.start();
    config.maxConnections = 1;
    config.monitoring = false;
    // Waiting for the one connection must outlast connecting, or a slow
    // server would read as "pool busy" instead of its own error.
    config.poolTimeoutMs = (config.connectTimeoutS + 5) * 1000;
    if (config.applicationName.isEmpty())
        config.applicationName = QStringLiteral("carwash-connection-test");
    ConnectionPool pool(config);
    QFuture<DbResult<Outcome>> probe = pool.withConnection(
        QStringLiteral("settings.test_connection"), [](QSqlDatabase &db) {
            Outcome outcome;
            outcome.serverVersion
                = Sql::scalar(db, QStringLiteral("SELECT current_setting('server_version')")).toString();
            if (!Sql::scalar(db, QStringLiteral("SELECT to_regclass('schema_migrations') IS NULL")).toBool())
                outcome.schemaVersion
                    = Sql::scalar(db,
                                  QStringLiteral("SELECT coalesce(max(version), '') FROM schema_migrations"))
                          .toString();
            return outcome;
        });
    DbResult<Outcome> result = probe.result();
    pool.shutdown();
    if (result.ok()) {
        Outcome outcome = result.value();
        outcome.elapsedMs = timer.nsecsElapsed() / 1e6;
        return outcome;
    }
    return result;
}

// DATABASE_URL and the environment overrides, as every program reads them
// (DatabaseConfigLoader::load). Input: the URL on the first line, then
// NAME=VALUE environment lines. Properties: the redacted URL the programs
// log and show does not depend on the password, and it reads back as the
// same settings (every host and port of a multi-host URL, in order, and
// target_session_attrs).

#include "tests/fuzz/fuzzinput.h"

#include "db/config/databaseconfig.h"

#include <QLoggingCategory>

namespace {

QString settingsOf(const DatabaseConfig &c)
{
    // Every server, in order (host and port are the first).
    QStringList servers;
    for (const DatabaseHost &h : c.hosts())
        servers << h.host + QLatin1Char('|') + QString::number(h.port);
    return QStringLiteral("hosts=%1 db=%2 user=%3 limit=%4 pool=%5 connect=%6 statement=%7 bouncer=%8 "
                          "ssl=%9 app=%10 target=%11")
        .arg(servers.join(u','), c.database, c.user)
        .arg(c.maxConnections)
        .arg(c.poolTimeoutMs)
        .arg(c.connectTimeoutS)
        .arg(c.statementTimeoutMs)
        .arg(c.pgbouncer)
        .arg(c.sslMode, c.applicationName, c.targetSessionAttrs);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    QLoggingCategory::setFilterRules(QStringLiteral("carwash.*=false"));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> lines
        = QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)).split('\n');
    QProcessEnvironment env;
    env.insert(QStringLiteral("DATABASE_URL"), QString::fromUtf8(lines.value(0)));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QString line = QString::fromUtf8(lines[i]);
        const qsizetype equals = line.indexOf(u'=');
        if (equals > 0)
            env.insert(line.left(equals), line.mid(equals + 1));
    }
    const DatabaseConfigLoader::Result loaded = DatabaseConfigLoader::load(env, nullptr);
    const DatabaseConfig &config = loaded.config;

    // The password never shapes what is shown: only whether there is one.
    DatabaseConfig otherPassword = config;
    otherPassword.password = config.password.isEmpty() ? QString() : config.password + QStringLiteral("x");
    FUZZ_CHECK(otherPassword.redactedUrl() == config.redactedUrl(), config.redactedUrl());

    if (!loaded.ok() || config.embedded)
        return 0;
    QProcessEnvironment again;
    again.insert(QStringLiteral("DATABASE_URL"), config.redactedUrl());
    const DatabaseConfigLoader::Result reread = DatabaseConfigLoader::load(again, nullptr);
    FUZZ_CHECK(reread.ok(), config.redactedUrl() + QStringLiteral(" -> ") + reread.errors.join(u' '));
    FUZZ_CHECK(settingsOf(reread.config) == settingsOf(config),
               config.redactedUrl() + QStringLiteral("\n  ") + settingsOf(config) + QStringLiteral("\n  ")
                   + settingsOf(reread.config));
    return 0;
}

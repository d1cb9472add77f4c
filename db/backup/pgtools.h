#pragma once

#include "db/pool/dberror.h"

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

struct DatabaseConfig;

// PostgreSQL's client programs (pg_dump, pg_restore, psql) of Debian's
// PostgreSQL 15 only: an archive is read by the pg_restore of the pg_dump
// that wrote it, and a newer major version would write archives an older
// one cannot read. The connection goes by the environment (PGHOST, …,
// PGPASSWORD), never the command line, where `ps` would show a password.
// Blocking: call from a worker thread or a command-line program.
class PgTools
{
    Q_DECLARE_TR_FUNCTIONS(PgTools)
public:
    static constexpr int MajorVersion = 15;

    struct Run
    {
        bool started = false;
        int exitCode = -1; // -1: crashed
        QByteArray out;
        QString err;
        bool ok() const { return started && exitCode == 0; }
    };

    // /usr/lib/postgresql/15/bin/<tool>, checked to be there and to say it is 15.
    static DbResult<QString> find(const QString &tool);
    // The process environment with config's connection as libpq variables;
    // -w on every tool keeps them from prompting for a password.
    static QProcessEnvironment environmentFor(const DatabaseConfig &config);
    // Runs program to its end (no time limit: a dump takes what it takes).
    static Run runBlocking(const QString &program, const QStringList &arguments,
                           const QProcessEnvironment &environment);
};

#pragma once

#include "db/pool/dberror.h"

#include <QJsonValue>
#include <QList>
#include <QStringList>
#include <QTextStream>

#include <memory>

class ConnectionPool;
class QCommandLineParser;
struct DatabaseConfig;
struct FieldError;

// What every carwash-admin command shares: stdout and stderr, --json, the
// one pool (opened on demand) and the exit codes a script branches on.
// Problems are reported here in one shape, text on stderr and, with --json,
// an error object on stdout. Not thread-safe; one per run. Every command's
// texts are AdminCli::tr(), carwash-admin's one translation context.
class CliContext
{
public:
    enum ExitCode {
        Ok = 0,
        Failure = 1, // anything else; also `health`: degraded
        Invalid = 2, // bad arguments or configuration; also `health`: unhealthy
        NotFound = 3, // an unknown id
        Unavailable = 4, // the database cannot be reached
        PaymentServer = 5 // card work: no carwash-server answering, or Stripe unreachable or refusing
    };

    CliContext();
    ~CliContext();

    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }
    bool json() const { return m_json; }
    void setJson(bool json) { m_json = json; }

    // Loads and resolves the configuration, opens the pool and, with
    // migrate, brings the schema up to date. Ok, or the exit code after the
    // problem was reported.
    int openPool(bool migrate);
    // Closes the pool and every connection it holds (before a restore
    // replaces the schema under them); openPool() opens a new one.
    void closePool();
    // Valid after openPool() returned Ok.
    ConnectionPool &pool() { return *m_pool; }
    const DatabaseConfig &config() const { return *m_config; }

    // Reports the error and maps its kind to an exit code.
    int failWith(const DbError &error);
    // The message on stderr (and as a JSON error); exit 2.
    int invalid(const QString &message);
    // Declined, nothing changed: the message on stderr (and as a JSON error
    // of kind "refused"); exit 1.
    int refused(const QString &message);
    // Each bad field on stderr ("plate: …"), and {"errors": [{"field",
    // "message"}]} on stdout with --json; exit 2.
    int invalidFields(const QList<FieldError> &errors);
    // Parses one command's options (QCommandLineParser, so --opt=value and
    // repeated options work). False after printing the problem and usage.
    bool parseCommand(QCommandLineParser &parser, const QString &command, const QStringList &args,
                      const QString &usageLine);

    static QString jsonText(const QJsonValue &value);

private:
    QTextStream m_out;
    QTextStream m_err;
    bool m_json = false;
    std::unique_ptr<DatabaseConfig> m_config;
    std::unique_ptr<ConnectionPool> m_pool;
};

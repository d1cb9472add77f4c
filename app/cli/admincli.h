#pragma once

#include <QCoreApplication>
#include <QStringList>
#include <QTextStream>

#include <memory>

class ConnectionPool;
struct DatabaseConfig;

// carwash-admin: the operators' and tests' command line. Every command runs
// through the one pool; results go to stdout (text, or JSON with --json),
// problems to stderr with an exit code a script can branch on.
class AdminCli
{
    Q_DECLARE_TR_FUNCTIONS(AdminCli)
public:
    enum ExitCode {
        Ok = 0,
        Failure = 1,    // anything else; also `health`: degraded
        Invalid = 2,    // bad arguments or configuration; also `health`: unhealthy
        NotFound = 3,   // an unknown id
        Unavailable = 4 // the database cannot be reached
    };

    AdminCli();
    ~AdminCli();

    int run(const QStringList &arguments);

private:
    int usage(int code);
    int openPool(bool migrate);
    int failWith(const class DbError &error);

    int cmdMigrate();
    int cmdSeed(const QStringList &args);
    int cmdHealth();
    int cmdServices();
    int cmdService(const QStringList &args);
    int cmdDb(const QStringList &args);
    int cmdConfig();
    int cmdSettings(const QStringList &args);
    int cmdHours(const QStringList &args);
    int cmdClosure(const QStringList &args);
    int cmdAvailability(const QStringList &args);
    int cmdNext(const QStringList &args);
    int cmdBook(const QStringList &args);
    int cmdBookings(const QStringList &args);
    int cmdBooking(const QStringList &args);
    int cmdCustomer(const QStringList &args);
    int cmdMaintenance(const QStringList &args);
    void printBooking(const struct Booking &booking);

    // Parses one command's options (QCommandLineParser, so --opt=value and
    // repeated options work). False after printing the problem and usage.
    bool parseCommand(class QCommandLineParser &parser, const QString &command, const QStringList &args,
                      const QString &usageLine);
    int invalid(const QString &message);
    // Each bad field on stderr ("plate: …"), and {"errors": [{"field",
    // "message"}]} on stdout with --json; exit 2.
    int invalidFields(const QList<struct FieldError> &errors);
    // --service, --vehicle, --addon (repeatable) and --bay, as availability,
    // next and book share them.
    void addRequestOptions(class QCommandLineParser &parser, bool withBay);
    QList<FieldError> readRequestOptions(const class QCommandLineParser &parser,
                                         struct AvailabilityRequest &request);

    QTextStream m_out;
    QTextStream m_err;
    bool m_json = false;
    std::unique_ptr<DatabaseConfig> m_config;
    std::unique_ptr<ConnectionPool> m_pool;
};

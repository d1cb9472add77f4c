#pragma once

#include "db/config/databaseconfig.h"
#include "db/pool/dberror.h"

#include <QCoreApplication>

class KeychainRequest;

// How every program finds its database: configuration from the environment,
// DATABASE_URL, the site's /etc/carwash-desk/database.conf and saved
// settings, and the embedded default when nothing is configured. resolveBlocking() may start a server: never on the GUI thread.
class DatabaseStartup
{
    Q_DECLARE_TR_FUNCTIONS(DatabaseStartup)
public:
    // Names the organisation and application so settings and the data folder
    // are shared by all three programs, and sets the product's version.
    static void setApplicationIdentity();
    // What --version prints: "carwash-admin 0.1.0\n".
    static QString versionLine(const QString &program);

    static DatabaseConfigLoader::Result loadConfig(const QString &programName);

    enum class KeychainLookup { Blocking, AlreadyDone };

    // For the embedded default: starts (or reuses) the private server and
    // points the configuration at its socket. For a configured server
    // without a password, looks in the OS keychain (Blocking; a GUI program
    // reads it asynchronously first with passwordRequest() and says
    // AlreadyDone).
    static DbResult<DatabaseConfig> resolveBlocking(DatabaseConfig config,
                                                    KeychainLookup keychain = KeychainLookup::Blocking);

    // Whether the password should come from the OS keychain: a configured
    // server (not the embedded one) whose URL and environment gave none.
    static bool wantsKeychainPassword(const DatabaseConfig &config);
    // Where config's password is kept: "database/<user>@<host>:<port>/<db>".
    static QString keychainKey(const DatabaseConfig &config);
    // An unstarted keychain read of config's password, for GUI programs:
    // start() it and take secret() on finished(); it never blocks.
    static KeychainRequest *passwordRequest(const DatabaseConfig &config, QObject *parent = nullptr);
    // For command-line programs: fills in the password from the keychain when
    // wantsKeychainPassword(), waiting at most the keychain timeout in a
    // local event loop (so never on a GUI thread). note says why none came.
    static DatabaseConfig withKeychainPasswordBlocking(DatabaseConfig config, QString *note = nullptr);
};

#pragma once

#include <QString>

#include <optional>

#include <sys/types.h>

// The embedded server's dealings with the operating system: accounts, folders
// with the right owner and mode, and which processes work in a data
// directory. Linux and other POSIX systems; /proc is used where it exists.
namespace EmbeddedPosix {

// PostgreSQL refuses to run as root: under root it runs as this user.
inline const QString ServerUserName = QStringLiteral("postgres");

struct Account
{
    uid_t uid = 0;
    gid_t gid = 0;
};

std::optional<Account> lookUpAccount(const QString &name);
// The account the server runs as: postgres under root, else ourselves.
std::optional<Account> serverAccount(bool runAsPostgres);

// strerror(errno), for messages.
QString errnoText();
// The first line of a small text file, trimmed; empty when it cannot be read.
QString firstLine(const QString &path);

// Creates path (and, unless it must be private from the start, its parents)
// and gives it to owner with mode. A folder that already exists must not be a
// symlink; where others could have made it first (/tmp), it must already be
// the owner's.
bool makeDirectory(const QString &path, const Account &owner, mode_t mode, bool existingMustBeOwned,
                   QString *why);

// Whether pid is a live postmaster of dataDirectory. A postmaster works in its
// data directory; checking that (where /proc exists) rejects a pid reused by
// another program after a reboot, and a zombie, which has no working directory.
bool postmasterServes(qint64 pid, const QString &dataDirectory);
// Processes still working in dataDirectory: the backends of a killed
// postmaster keep its shared memory attached for a moment, and PostgreSQL
// refuses to start until they are gone.
QList<qint64> processesIn(const QString &dataDirectory);

// runuser, which starts the server as the postgres user under root; empty
// when it is not installed.
QString runuserProgram();

} // namespace EmbeddedPosix

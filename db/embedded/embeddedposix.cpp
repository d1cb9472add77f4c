#include "db/embedded/embeddedposix_p.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QList>
#include <QStandardPaths>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace EmbeddedPosix {

namespace {

QString procLink(qint64 pid, const char *what)
{
    const QByteArray link = "/proc/" + QByteArray::number(pid) + '/' + what;
    char target[PATH_MAX];
    const ssize_t length = ::readlink(link.constData(), target, sizeof target);
    if (length <= 0)
        return {};
    return QFile::decodeName(QByteArray(target, int(length)));
}

bool haveProcFileSystem()
{
    return QFileInfo::exists(QStringLiteral("/proc/self/cwd"));
}

} // namespace

std::optional<Account> lookUpAccount(const QString &name)
{
    struct passwd entry;
    struct passwd *found = nullptr;
    char buffer[4096];
    if (::getpwnam_r(name.toLocal8Bit().constData(), &entry, buffer, sizeof buffer, &found) != 0 || !found)
        return std::nullopt;
    return Account {entry.pw_uid, entry.pw_gid};
}

std::optional<Account> serverAccount(bool runAsPostgres)
{
    if (runAsPostgres)
        return lookUpAccount(ServerUserName);
    return Account {::geteuid(), ::getegid()};
}

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

QString firstLine(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readLine()).trimmed();
}

bool makeDirectory(const QString &path, const Account &owner, mode_t mode, bool existingMustBeOwned,
                   QString *why)
{
    if (!existingMustBeOwned && !QDir().mkpath(QFileInfo(path).absolutePath())) {
        *why = QStringLiteral("cannot create the parent folders");
        return false;
    }
    const QByteArray native = QFile::encodeName(path);
    if (::mkdir(native.constData(), mode) != 0 && errno != EEXIST) {
        *why = QStringLiteral("mkdir: ") + errnoText();
        return false;
    }
    struct stat info;
    if (::lstat(native.constData(), &info) != 0) {
        *why = QStringLiteral("lstat: ") + errnoText();
        return false;
    }
    if (!S_ISDIR(info.st_mode)) {
        *why = QStringLiteral("it exists and is not a folder");
        return false;
    }
    if (existingMustBeOwned && info.st_uid != owner.uid) {
        *why = QStringLiteral("it belongs to uid %1, not %2").arg(info.st_uid).arg(owner.uid);
        return false;
    }
    const bool wrongOwner = info.st_uid != owner.uid || (::geteuid() == 0 && info.st_gid != owner.gid);
    if (wrongOwner && ::chown(native.constData(), owner.uid, owner.gid) != 0) {
        *why = QStringLiteral("chown: ") + errnoText();
        return false;
    }
    if ((info.st_mode & 07777) != mode && ::chmod(native.constData(), mode) != 0) {
        *why = QStringLiteral("chmod: ") + errnoText();
        return false;
    }
    return true;
}

bool postmasterServes(qint64 pid, const QString &dataDirectory)
{
    if (pid <= 0)
        return false;
    if (::kill(pid_t(pid), 0) != 0 && errno != EPERM)
        return false;
    if (!haveProcFileSystem())
        return true;
    const QString canonical = QFileInfo(dataDirectory).canonicalFilePath();
    return !canonical.isEmpty() && procLink(pid, "cwd") == canonical;
}

QList<qint64> processesIn(const QString &dataDirectory)
{
    QList<qint64> pids;
    const QString canonical = QFileInfo(dataDirectory).canonicalFilePath();
    if (canonical.isEmpty() || !haveProcFileSystem())
        return pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        if (isPid && pid != QCoreApplication::applicationPid() && procLink(pid, "cwd") == canonical)
            pids << pid;
    }
    return pids;
}

QString runuserProgram()
{
    QString found = QStandardPaths::findExecutable(QStringLiteral("runuser"));
    if (found.isEmpty()) {
        found = QStandardPaths::findExecutable(QStringLiteral("runuser"),
                                               {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"),
                                                QStringLiteral("/usr/bin"), QStringLiteral("/bin")});
    }
    return found;
}

} // namespace EmbeddedPosix

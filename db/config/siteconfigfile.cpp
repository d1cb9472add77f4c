#include "db/config/siteconfigfile.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <QUrl>

namespace {

const QString kUrlKey = QStringLiteral("DATABASE_URL");

// The user information of a postgresql:// URL has a password when a colon
// follows the user name before the '@'; a ?password= parameter is one too.
bool hasPassword(const QString &url)
{
    const int scheme = url.indexOf(QStringLiteral("://"));
    const QString rest = scheme >= 0 ? url.mid(scheme + 3) : url;
    const QString authority
        = rest.left(rest.indexOf(QLatin1Char('/')) >= 0 ? rest.indexOf(QLatin1Char('/')) : rest.size());
    const int at = authority.lastIndexOf(QLatin1Char('@'));
    if (at >= 0 && authority.left(at).contains(QLatin1Char(':')))
        return true;
    const int query = url.indexOf(QLatin1Char('?'));
    if (query < 0)
        return false;
    for (const QString &item : url.mid(query + 1).split(QLatin1Char('&')))
        if (item.section(QLatin1Char('='), 0, 0).compare(QStringLiteral("password"), Qt::CaseInsensitive)
            == 0)
            return true;
    return false;
}

} // namespace

QString SiteConfigFile::path(const QProcessEnvironment &env)
{
    const QString overridden = env.value(QStringLiteral("CARWASH_SITE_CONFIG"));
    return overridden.isEmpty() ? defaultPath() : overridden;
}

QString SiteConfigFile::withoutPassword(const QString &url)
{
    // scheme://user:password@ → scheme://user@ (the last '@' before the path ends the user information)
    static const QRegularExpression userInfo(
        QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]*://[^:@/?#]*):[^/?#]*@"));
    QString stripped = url.trimmed();
    stripped.replace(userInfo, QStringLiteral("\\1@"));
    const int query = stripped.indexOf(QLatin1Char('?'));
    if (query < 0)
        return stripped;
    QStringList kept;
    for (const QString &item : stripped.mid(query + 1).split(QLatin1Char('&'), Qt::SkipEmptyParts))
        if (item.section(QLatin1Char('='), 0, 0).compare(QStringLiteral("password"), Qt::CaseInsensitive)
            != 0)
            kept << item;
    return kept.isEmpty() ? stripped.left(query) : stripped.left(query + 1) + kept.join(QLatin1Char('&'));
}

SiteConfigFile::Contents SiteConfigFile::read(const QString &path)
{
    Contents contents;
    QFile file(path);
    if (!file.exists())
        return contents;
    contents.exists = true;
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        contents.errors
            << tr("%1 cannot be read (%2); it names this PC's site database: ask the administrator "
                  "to make it readable for everyone (chmod 0644).")
                   .arg(path, file.errorString());
        return contents;
    }
    int lineNumber = 0;
    while (!file.atEnd()) {
        ++lineNumber;
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const int equals = line.indexOf(QLatin1Char('='));
        if (equals <= 0) {
            contents.errors << tr("%1, line %2: expected KEY=VALUE.").arg(path, QString::number(lineNumber));
            continue;
        }
        const QString key = line.left(equals).trimmed();
        QString value = line.mid(equals + 1).trimmed();
        if (value.size() >= 2 && (value.startsWith(QLatin1Char('"')) || value.startsWith(QLatin1Char('\'')))
            && value.endsWith(value.front()))
            value = value.mid(1, value.size() - 2);
        if (key != kUrlKey) {
            contents.warnings
                << tr("%1, line %2: unknown setting \"%3\" ignored; the file holds DATABASE_URL only.")
                       .arg(path, QString::number(lineNumber), key);
            continue;
        }
        contents.url = value;
    }
    if (contents.url.isEmpty() && contents.errors.isEmpty())
        contents.errors
            << tr("%1 has no DATABASE_URL; write DATABASE_URL=postgresql://… into it, or remove it "
                  "to use each program's own settings.")
                   .arg(path);
    if (hasPassword(contents.url)) {
        contents.url.clear();
        contents.errors << tr("%1 holds a password, which everyone on this PC can read: take it out of "
                              "DATABASE_URL and keep it in each user's keychain (carwash-admin site join).")
                               .arg(path);
    }
    return contents;
}

bool SiteConfigFile::write(const QString &path, const QString &url, const QString &writtenBy, QString *error)
{
    if (hasPassword(url)) {
        *error = tr("The connection for %1 must not hold a password.").arg(path);
        return false;
    }
    const QFileInfo info(path);
    if (!info.absoluteDir().exists()) {
        if (!QDir().mkpath(info.absolutePath())) {
            *error = tr("The folder %1 cannot be made.").arg(info.absolutePath());
            return false;
        }
        // Everyone's programs read the file inside (a folder made now only).
        QFile::setPermissions(info.absolutePath(),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                  | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        *error = tr("%1 cannot be written: %2").arg(path, file.errorString());
        return false;
    }
    // Not translated: a system file, read by programs in any language.
    const QString text
        = QStringLiteral("# The site database of every CarWash Desk program on this PC (carwash,\n"
                         "# carwash-admin, carwash-server), after DATABASE_URL in the environment\n"
                         "# and before each user's saved settings. Never a password here: it is\n"
                         "# readable by everyone (passwords go to each user's keychain).\n"
                         "# Written by %1 on %2.\n"
                         "DATABASE_URL=%3\n")
              .arg(writtenBy, QDateTime::currentDateTimeUtc().toString(Qt::ISODate), url);
    file.write(text.toUtf8());
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    if (!file.commit()) {
        *error = tr("%1 cannot be written: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

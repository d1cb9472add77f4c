#pragma once

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QString>

// The site's database connection for every program on this PC:
// /etc/carwash-desk/database.conf (CARWASH_SITE_CONFIG names another file),
// written by `carwash-admin site init` or `site join` as root. Lines of
// KEY=VALUE like an environment file, # for comments; the one key is
// DATABASE_URL, never with a password (the file is readable by everyone).
// Plain blocking file access, no database.
class SiteConfigFile
{
    Q_DECLARE_TR_FUNCTIONS(SiteConfigFile)
public:
    static QString defaultPath() { return QStringLiteral("/etc/carwash-desk/database.conf"); }
    // CARWASH_SITE_CONFIG from env, else defaultPath().
    static QString path(const QProcessEnvironment &env);

    struct Contents
    {
        bool exists = false;
        QString url; // DATABASE_URL; empty when the file is missing or refused
        QStringList errors; // unreadable, no DATABASE_URL, a password in it: the programs must not start
        QStringList warnings; // unknown keys, ignored
    };
    static Contents read(const QString &path);

    // url without its password (in the user information or as ?password=),
    // everything else as written.
    static QString withoutPassword(const QString &url);

    // Replaces the file at once (a reader sees the old or the new, never half)
    // with url, which must hold no password, under a comment saying who wrote
    // it; mode 0644, its folder made 0755 when missing. False with *error set.
    static bool write(const QString &path, const QString &url, const QString &writtenBy, QString *error);
};

#pragma once

#include "db/calendar/sitesettings.h"
#include "db/pool/dberror.h"
#include "db/pool/saveoutcome.h"

#include <QCoreApplication>
#include <QList>
#include <QMap>
#include <QSqlDatabase>

// One row of the settings listing: a settable key with its value in force.
struct SettingValue
{
    QString key;
    QString value;
    bool isDefault = false; // no row stored; value is the default
    std::optional<SettingSpec> spec; // empty for stored keys the engine does not set (site.name, billing.*)
};

// Reads and writes site_settings. Runs inside a unit of work on a pooled
// connection (blocking; throws DbException from the Sql helpers). Writes are
// validated against SiteSettings::specs() and logged in audit_log.
class SettingsRepo
{
    Q_DECLARE_TR_FUNCTIONS(SettingsRepo)
public:
    explicit SettingsRepo(QSqlDatabase &db);

    // Every stored row.
    QMap<QString, QString> stored();
    // The settable keys first (stored or default), then other stored keys.
    QList<SettingValue> list();
    // A settable key (stored or default) or any stored key; Invalid naming
    // the settable keys otherwise.
    DbResult<SettingValue> get(const QString &key);
    // Invalid with a message naming the key and the accepted values when the
    // value does not validate; the value stored (normalised) otherwise.
    DbResult<SettingValue> set(const QString &key, const QString &value, const QString &actor);
    // Several keys at once, all or nothing: every value is validated first
    // (errors name the key as their field), then all are written in one
    // transaction, each with its audit row. Keys whose value does not change
    // are left alone.
    DbResult<SaveOutcome> setMany(const QMap<QString, QString> &values, const QString &actor);
    // The engine's view, with defaults filled in.
    SiteSettings load();

private:
    QSqlDatabase &m_db;
};

#include "db/calendar/settingsrepo.h"

#include "db/audit/auditlog.h"
#include "db/pool/sql.h"

#include <QSqlQuery>

SettingsRepo::SettingsRepo(QSqlDatabase &db)
    : m_db(db)
{ }

QMap<QString, QString> SettingsRepo::stored()
{
    QMap<QString, QString> values;
    QSqlQuery query = Sql::exec(m_db, QStringLiteral("SELECT key, value FROM site_settings"));
    while (query.next())
        values.insert(query.value(0).toString(), query.value(1).toString());
    return values;
}

QList<SettingValue> SettingsRepo::list()
{
    const QMap<QString, QString> values = stored();
    QList<SettingValue> rows;
    for (const SettingSpec &spec : SiteSettings::specs()) {
        const bool present = values.contains(spec.key);
        rows.append({spec.key, present ? values.value(spec.key) : SiteSettings::defaultValue(spec.key),
                     !present, spec});
    }
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (!SiteSettings::spec(it.key()))
            rows.append({it.key(), it.value(), false, std::nullopt});
    }
    return rows;
}

DbResult<SettingValue> SettingsRepo::get(const QString &key)
{
    const std::optional<SettingSpec> spec = SiteSettings::spec(key);
    QSqlQuery query = Sql::exec(m_db, QStringLiteral("SELECT value FROM site_settings WHERE key = ?"), {key});
    if (query.next())
        return SettingValue {key, query.value(0).toString(), false, spec};
    if (spec)
        return SettingValue {key, SiteSettings::defaultValue(key), true, spec};
    QString message = SiteSettings::validate(key, QString());
    return DbError(DbError::Kind::Invalid, message);
}

DbResult<SettingValue> SettingsRepo::set(const QString &key, const QString &value, const QString &actor)
{
    QString normalised;
    const QString problem = SiteSettings::validate(key, value, &normalised);
    if (!problem.isEmpty())
        return DbError(DbError::Kind::Invalid, problem);

    Transaction tx(m_db);
    // The previous value for the audit trail; FOR UPDATE so two writers log
    // a consistent before and after.
    QString previous;
    {
        QSqlQuery query = Sql::exec(
            m_db, QStringLiteral("SELECT value FROM site_settings WHERE key = ? FOR UPDATE"), {key});
        previous = query.next() ? query.value(0).toString() : SiteSettings::defaultValue(key);
    }
    Sql::exec(m_db,
              QStringLiteral("INSERT INTO site_settings (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"),
              {key, normalised});
    AuditLog::write(m_db, actor, QStringLiteral("setting.set"), QStringLiteral("setting"), key,
                    QJsonObject {{QStringLiteral("from"), previous}, {QStringLiteral("to"), normalised}});
    tx.commit();
    return SettingValue {key, normalised, false, SiteSettings::spec(key)};
}

DbResult<SaveOutcome> SettingsRepo::setMany(const QMap<QString, QString> &values, const QString &actor)
{
    QList<FieldError> errors;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (const QString problem = SiteSettings::validate(it.key(), it.value()); !problem.isEmpty())
            errors.append({it.key(), problem});
    }
    if (!errors.isEmpty())
        return SaveOutcome::refused(std::move(errors));
    Transaction tx(m_db);
    const QMap<QString, QString> current = stored();
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        QString normalised;
        SiteSettings::validate(it.key(), it.value(), &normalised);
        if (current.contains(it.key()) && current.value(it.key()) == normalised)
            continue;
        // Nested: set()'s own transaction becomes a savepoint of this one.
        const DbResult<SettingValue> written = set(it.key(), it.value(), actor);
        if (!written.ok())
            throw DbException(written.error());
    }
    tx.commit();
    return SaveOutcome::saved(0);
}

SiteSettings SettingsRepo::load()
{
    return SiteSettings::fromValues(stored());
}

#include "db/backup/backupmanifest.h"

#include <QJsonDocument>
#include <QRegularExpression>

QJsonObject BackupManifest::toJson() const
{
    return QJsonObject {{QStringLiteral("format"), QString::fromLatin1(Format)},
                        {QStringLiteral("format_version"), FormatVersion},
                        {QStringLiteral("archive"), archiveFile},
                        {QStringLiteral("size"), size},
                        {QStringLiteral("sha256"), sha256},
                        {QStringLiteral("schema_version"), schemaVersion},
                        {QStringLiteral("made_at"), madeAt.toUTC().toString(Qt::ISODateWithMs)},
                        {QStringLiteral("made_by"), madeBy},
                        {QStringLiteral("database"), database},
                        {QStringLiteral("pg_dump"), pgDumpVersion}};
}

DbResult<BackupManifest> BackupManifest::fromJson(const QByteArray &text)
{
    QJsonParseError parseError;
    const QJsonObject o = QJsonDocument::fromJson(text, &parseError).object();
    auto invalid = [](const QString &detail) {
        return DbError(DbError::Kind::Invalid,
                       tr("The backup's manifest is damaged or not a CarWash Desk "
                          "backup."),
                       detail);
    };
    if (parseError.error != QJsonParseError::NoError)
        return invalid(parseError.errorString());
    if (o.value(u"format").toString() != QLatin1String(Format))
        return invalid(QStringLiteral("format is not %1").arg(QLatin1String(Format)));
    if (o.value(u"format_version").toInt() > FormatVersion)
        return DbError(DbError::Kind::Invalid,
                       tr("The backup was made by a newer version of CarWash Desk; install that version to "
                          "restore it."),
                       QStringLiteral("format_version %1").arg(o.value(u"format_version").toInt()));
    BackupManifest m;
    m.archiveFile = o.value(u"archive").toString();
    m.size = o.value(u"size").toInteger(-1);
    m.sha256 = o.value(u"sha256").toString();
    m.schemaVersion = o.value(u"schema_version").toString();
    m.madeAt = QDateTime::fromString(o.value(u"made_at").toString(), Qt::ISODateWithMs).toUTC();
    m.madeBy = o.value(u"made_by").toString();
    m.database = o.value(u"database").toString();
    m.pgDumpVersion = o.value(u"pg_dump").toString();
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    static const QRegularExpression version(QStringLiteral("^[0-9]{4}$"));
    if (m.archiveFile.isEmpty() || m.archiveFile.contains(u'/') || m.size < 0
        || !hex.match(m.sha256).hasMatch() || !version.match(m.schemaVersion).hasMatch()
        || !m.madeAt.isValid())
        return invalid(QStringLiteral("missing or malformed field"));
    return m;
}

QString BackupManifest::manifestPathFor(const QString &archivePath)
{
    return archivePath + QStringLiteral(".json");
}

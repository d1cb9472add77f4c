#pragma once

#include <QByteArray>
#include <QLatin1Char>
#include <QSqlDatabase>
#include <QString>
#include <QTest>

#include "db/pool/dberror.h"
#include "db/pool/sql.h"

namespace TestNames {

// One application_name per test function (and data row), so
// pg_stat_activity counts only that test's connections.
inline QString applicationName(const QString &prefix)
{
    QString name = prefix + QLatin1Char('-') + QString::fromLatin1(QTest::currentTestFunction());
    if (const char *tag = QTest::currentDataTag())
        name += QLatin1Char('-') + QString::fromLatin1(tag).replace(QLatin1Char(' '), QLatin1Char('_'));
    return name.left(63);
}

template<typename T> QByteArray describe(const DbResult<T> &result)
{
    return result.ok() ? QByteArrayLiteral("ok") : result.error().toLogString().toUtf8();
}

// text as an SQL string literal, for the tests' own blocking queries.
inline QString quoted(const QString &text)
{
    return QLatin1Char('\'') + QString(text).replace(u'\'', QStringLiteral("''")) + QLatin1Char('\'');
}

inline int backendPid(QSqlDatabase &db)
{
    return Sql::scalar(db, QStringLiteral("SELECT pg_backend_pid()")).toInt();
}

} // namespace TestNames

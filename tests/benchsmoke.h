#pragma once

// What the carwash-bench smoke tests share: their set-up, running the real
// binary and checking the run's own account (clients, failures, pgbench's
// error, connections left, verdict) and a ratio's spread. Shape and sanity
// only, never a target or a duration.

#include "tests/harness/pgtestcluster.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <algorithm>

namespace BenchSmoke {

inline QString benchProgram()
{
    return QDir(qEnvironmentVariable("CARWASH_BIN_DIR")).filePath(QStringLiteral("carwash-bench"));
}

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json;
    bool parsed = false;
};

// Through DATABASE_URL, so the benchmark cleans up after itself in a
// database someone else owns, where the test can check it did.
inline QProcessEnvironment environment(const QString &url)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"), url);
    return env;
}

inline Run bench(const QStringList &arguments, const QProcessEnvironment &env)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(benchProgram(), arguments);
    Run run;
    if (!process.waitForStarted(10000) || !process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished(5000);
        run.err = "did not start or finish: " + process.errorString().toUtf8();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    QJsonParseError parseError;
    run.json = QJsonDocument::fromJson(run.out, &parseError).object();
    run.parsed = parseError.error == QJsonParseError::NoError;
    return run;
}

inline QStringList keysOf(const QJsonValue &value)
{
    return value.toObject().keys();
}

inline QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

// What every report says about the run beside its figures.
inline const QStringList kRunKeys {QStringLiteral("clients"), QStringLiteral("connections_after_shutdown"),
                            QStringLiteral("failures"), QStringLiteral("verdict")};

// A clean run: nothing failed, nothing left connected, the verdict says so.
inline void verifyCleanRun(const QJsonObject &report, const QByteArray &err)
{
    const QJsonObject failures = report[u"failures"].toObject();
    QVERIFY2(failures[u"total"].isDouble(), err.right(2000).constData());
    // On failure, what failed and the run's last words.
    const QByteArray said = QJsonDocument(failures).toJson(QJsonDocument::Compact) + '\n' + err.right(2000);
    QVERIFY2(failures[u"total"].toInteger() == 0, said.constData());
    QVERIFY2(failures[u"first_error"].isNull(), said.constData());
    qint64 sum = 0;
    for (auto it = failures.begin(); it != failures.end(); ++it) {
        if (it.key() != u"total" && it.key() != u"first_error")
            sum += it.value().toInteger(-1);
    }
    QCOMPARE(sum, 0);
    if (report.contains(u"pgbench_error"))
        QVERIFY2(report[u"pgbench_error"].isNull(), qPrintable(report[u"pgbench_error"].toString()));
    QCOMPARE(report[u"connections_after_shutdown"].toInt(-1), 0);
    const QJsonObject verdict = report[u"verdict"].toObject();
    QCOMPARE(sorted(verdict.keys()),
             (QStringList {QStringLiteral("clean"), QStringLiteral("targets_met"), QStringLiteral("text")}));
    QCOMPARE(verdict[u"clean"].toBool(false), true);
    QVERIFY(verdict[u"targets_met"].isBool());
    QVERIFY2(verdict[u"text"].toString().startsWith(u"clean run"), qPrintable(verdict[u"text"].toString()));
    const QJsonObject clients = report[u"clients"].toObject();
    QVERIFY(!clients.isEmpty());
    for (const QJsonValue count : clients)
        QVERIFY(count.toInt() >= 1);
}

// A ratio measured in `rounds` alternated rounds: the median of the
// rounds' ratios, within their min and max, each side's rate per round.
inline void verifySpread(const QJsonObject &figure, const QString &ratioKey, const QString &poolKey,
                  const QString &baselineKey, int rounds)
{
    const QJsonObject spread = figure[u"spread"].toObject();
    QCOMPARE(sorted(spread.keys()),
             sorted({QStringLiteral("min"), QStringLiteral("max"), QStringLiteral("rounds"), poolKey,
                     baselineKey}));
    for (const QString &key : {QStringLiteral("rounds"), poolKey, baselineKey}) {
        QCOMPARE(spread[key].toArray().size(), rounds);
        for (const QJsonValue value : spread[key].toArray())
            QVERIFY2(value.toDouble() > 0, qPrintable(key));
    }
    const double ratio = figure[ratioKey].toDouble();
    QVERIFY(ratio > 0);
    QVERIFY(spread[u"min"].toDouble() <= ratio);
    QVERIFY(ratio <= spread[u"max"].toDouble());
    QList<double> ratios;
    for (const QJsonValue value : spread[u"rounds"].toArray())
        ratios.append(value.toDouble());
    std::sort(ratios.begin(), ratios.end());
    QCOMPARE(spread[u"min"].toDouble(), ratios.first());
    QCOMPARE(spread[u"max"].toDouble(), ratios.last());
    if (rounds % 2 == 1)
        QCOMPARE(ratio, ratios[rounds / 2]);
}

// The set-up of a smoke test: carwash-bench built, and a PostgreSQL of the
// test's own for it to run on. A plain base with no slots: the test class's
// initTestCase() calls startCluster().
class Fixture
{
protected:
    void startCluster()
    {
        QVERIFY2(QFileInfo(benchProgram()).isExecutable(), qPrintable(benchProgram()));
        QString error;
        QVERIFY2(m_cluster.start(&error), qPrintable(error));
    }

    PgTestCluster m_cluster;
};

} // namespace BenchSmoke

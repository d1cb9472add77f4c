// The version from one place: each program's --version says what
// project(VERSION) in the top CMakeLists.txt says (app/startup/version.h),
// as the first line help2man reads for the man pages, and exits 0.
#include "app/startup/version.h"
#include "tests/harness/adminprocess.h"
#include "tests/harness/nohang.h"

#include <QDir>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

class TestVersion : public QObject
{
    Q_OBJECT
private slots:
    void theVersionIsThreeNumbers();
    void eachProgramPrintsItsNameAndTheVersion_data();
    void eachProgramPrintsItsNameAndTheVersion();
    void carwashAdminSaysItInJson();
};

void TestVersion::theVersionIsThreeNumbers()
{
    // What Debian's version comparison and the AppStream release expect.
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d+\\.\\d+\\.\\d+$")).match(QStringLiteral(CARWASH_VERSION)).hasMatch(),
             CARWASH_VERSION);
}

void TestVersion::eachProgramPrintsItsNameAndTheVersion_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QString>("option");
    QTest::newRow("carwash --version") << QStringLiteral("carwash") << QStringLiteral("--version");
    QTest::newRow("carwash -v") << QStringLiteral("carwash") << QStringLiteral("-v");
    QTest::newRow("carwash-admin --version") << QStringLiteral("carwash-admin") << QStringLiteral("--version");
    QTest::newRow("carwash-server --version") << QStringLiteral("carwash-server") << QStringLiteral("--version");
    QTest::newRow("carwash-server -v") << QStringLiteral("carwash-server") << QStringLiteral("-v");
}

void TestVersion::eachProgramPrintsItsNameAndTheVersion()
{
    QFETCH(QString, program);
    QFETCH(QString, option);
    QProcess p;
    // No database is configured or needed: --version answers before any.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://nobody@127.0.0.1:1/none"));
    p.setProcessEnvironment(env);
    p.start(QDir(qEnvironmentVariable("CARWASH_BIN_DIR")).filePath(program), {option});
    QVERIFY2(p.waitForFinished(TestWaits::kNoHangMs), qPrintable(program));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(p.readAllStandardOutput()),
             QStringLiteral("%1 %2\n").arg(program, QStringLiteral(CARWASH_VERSION)));
}

void TestVersion::carwashAdminSaysItInJson()
{
    const AdminProcess::Run r
        = AdminProcess::run({QStringLiteral("--version"), QStringLiteral("--json")},
                            QProcessEnvironment::systemEnvironment());
    QCOMPARE(r.exitCode, 0);
    const QJsonObject j = r.json().object();
    QCOMPARE(j[u"program"].toString(), QStringLiteral("carwash-admin"));
    QCOMPARE(j[u"version"].toString(), QStringLiteral(CARWASH_VERSION));
}

QTEST_GUILESS_MAIN(TestVersion)
#include "tst_version.moc"

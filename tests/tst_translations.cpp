// The programs speak English, Spanish and German: the translations are
// embedded and complete, the language follows CARWASH_LANG, the ui/language
// setting or the system, and carwash-admin answers in it.
#include "app/cli/admincli.h"
#include "app/startup/translations.h"
#include "db/customers/customereraser.h"
#include "db/pool/dberror.h"
#include "db/text/bookingwords.h"

#include <QDir>
#include <QFile>
#include <QLibraryInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

#include <set>

namespace {

struct TsMessage
{
    QString context;
    QString source;
    bool numerus = false;
    QString type; // "unfinished", "vanished", "obsolete" or empty when done
    QStringList translations; // one, or one per plural form
};

struct TsFile
{
    QString language;
    QList<TsMessage> messages;
    QString error;
};

TsFile readTs(const QString &path)
{
    TsFile ts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ts.error = file.errorString();
        return ts;
    }
    QXmlStreamReader xml(&file);
    QString context;
    TsMessage message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isEndElement() && xml.name() == u"message")
            ts.messages << message;
        if (!xml.isStartElement())
            continue;
        const auto name = xml.name();
        if (name == u"TS") {
            ts.language = xml.attributes().value(QLatin1String("language")).toString();
        } else if (name == u"name") {
            context = xml.readElementText();
        } else if (name == u"message") {
            message
                = TsMessage {context, {}, xml.attributes().value(QLatin1String("numerus")) == u"yes", {}, {}};
        } else if (name == u"source") {
            message.source = xml.readElementText();
        } else if (name == u"translation") {
            message.type = xml.attributes().value(QLatin1String("type")).toString();
            if (!message.numerus)
                message.translations << xml.readElementText();
        } else if (name == u"numerusform") {
            message.translations << xml.readElementText();
        }
    }
    if (xml.hasError())
        ts.error = xml.errorString();
    return ts;
}

QString tsPath(const QString &language)
{
    return QDir(QStringLiteral(CARWASH_TRANSLATIONS_SOURCE_DIR))
        .filePath(QStringLiteral("carwash_%1.ts").arg(language));
}

// The arguments a text takes: %1 to %99 (also %L1) and %n.
std::multiset<QString> placeholders(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("%L?([1-9][0-9]?|n)"));
    std::multiset<QString> found;
    for (const auto &match : pattern.globalMatch(text))
        found.insert(match.captured(1));
    return found;
}

QString describe(const TsMessage &m)
{
    return QStringLiteral("%1: \"%2\"").arg(m.context, m.source.left(70));
}

QString adminPath()
{
    return QDir(qEnvironmentVariable("CARWASH_BIN_DIR")).filePath(QStringLiteral("carwash-admin"));
}

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();

    void embeddedTranslationsLoad_data();
    void embeddedTranslationsLoad();
    void knownTextsComeOutTranslated_data();
    void knownTextsComeOutTranslated();
    void pluralsFollowTheLanguage();
    void englishPluralsReadAsEnglish();
    void languageComesFromArgumentEnvironmentSettingSystem();
    void countryVariantsUseTheirLanguage();
    void untranslatedLanguageFallsBackToEnglish();
    void qtOwnTextsFollowWhenInstalled();
    void nameOfNoLanguageIsIgnored();

    void translationFilesAreComplete_data();
    void translationFilesAreComplete();
    void spanishAndGermanCoverTheSameTexts();
    void translationFilesHoldEveryTextOfTheCode();

    void adminAnswersInTheChosenLanguage_data();
    void adminAnswersInTheChosenLanguage();

private:
    void setSavedLanguage(const QString &language);

    QTemporaryDir m_home;
};

void TestTranslations::initTestCase()
{
    QVERIFY(m_home.isValid());
    // QSettings reads the config folder once: point it at an empty one before
    // the first QSettings, so the tester's own saved language plays no part.
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath(QStringLiteral("config"))));
    QCoreApplication::setOrganizationName(QStringLiteral("carwash"));
    QCoreApplication::setApplicationName(QStringLiteral("carwash-desk"));
}

void TestTranslations::init()
{
    qunsetenv("CARWASH_LANG");
    setSavedLanguage({});
}

void TestTranslations::setSavedLanguage(const QString &language)
{
    QSettings settings;
    if (language.isEmpty())
        settings.remove(Translations::settingsKey());
    else
        settings.setValue(Translations::settingsKey(), language);
    settings.sync();
}

void TestTranslations::embeddedTranslationsLoad_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("Spanish") << QStringLiteral("es");
    QTest::newRow("German") << QStringLiteral("de");
    QTest::newRow("English plural forms") << QStringLiteral("en");
}

void TestTranslations::embeddedTranslationsLoad()
{
    QFETCH(QString, language);
    QTranslator translator;
    QVERIFY(translator.load(QStringLiteral(":/i18n/carwash_%1.qm").arg(language)));
    QVERIFY(!translator.isEmpty());
    QCOMPARE(translator.language(), language);
}

void TestTranslations::knownTextsComeOutTranslated_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("slotTaken");
    QTest::addColumn<QString>("unknownCommand");
    QTest::addColumn<QString>("erasedCustomer");
    QTest::newRow("Spanish") << QStringLiteral("es")
                             << QStringLiteral("Esa franja horaria se acaba de ocupar.")
                             << QStringLiteral("Comando desconocido: «frobnicate».")
                             << QStringLiteral("Cliente borrado");
    QTest::newRow("German") << QStringLiteral("de") << QStringLiteral("Dieser Termin wurde gerade vergeben.")
                            << QStringLiteral("Unbekannter Befehl „frobnicate“.")
                            << QStringLiteral("Gelöschter Kunde");
    QTest::newRow("English") << QStringLiteral("en") << QStringLiteral("That time slot was just taken.")
                             << QStringLiteral("Unknown command \"frobnicate\".")
                             << QStringLiteral("Erased customer");
}

void TestTranslations::knownTextsComeOutTranslated()
{
    QFETCH(QString, language);
    QFETCH(QString, slotTaken);
    QFETCH(QString, unknownCommand);
    QFETCH(QString, erasedCustomer);
    QCOMPARE(Translations::install(*QCoreApplication::instance(), language).language(),
             QLocale(language).language());

    // The texts as the code makes them: an exclusion violation from the
    // server, and an AdminCli message with its argument filled in.
    const QSqlError exclusion(QString(),
                              QStringLiteral("conflicting key value violates exclusion constraint"),
                              QSqlError::StatementError, QStringLiteral("23P01"));
    QCOMPARE(DbError::fromSqlError(exclusion, QStringLiteral("booking.create")).message(), slotTaken);
    QCOMPARE(AdminCli::tr("Unknown command \"%1\".").arg(QStringLiteral("frobnicate")), unknownCommand);
    // A forgotten customer's stored placeholder, as the desk shows it; a
    // real name as it is.
    QCOMPARE(BookingWords::customerName(CustomerEraser::ErasedName), erasedCustomer);
    QCOMPARE(BookingWords::customerName(QStringLiteral("Erika Mustermann")),
             QStringLiteral("Erika Mustermann"));
}

void TestTranslations::pluralsFollowTheLanguage()
{
    Translations::install(*QCoreApplication::instance(), QStringLiteral("es"));
    QCOMPARE(AdminCli::tr("%n extra min", nullptr, 1), QStringLiteral("1 min adicional"));
    QCOMPARE(AdminCli::tr("%n extra min", nullptr, 5), QStringLiteral("5 min adicionales"));
    Translations::install(*QCoreApplication::instance(), QStringLiteral("de"));
    QCOMPARE(AdminCli::tr("%n extra min", nullptr, 1), QStringLiteral("1 Min. zusätzlich"));
    QCOMPARE(AdminCli::tr("%n extra min", nullptr, 5), QStringLiteral("5 Min. zusätzlich"));
}

void TestTranslations::englishPluralsReadAsEnglish()
{
    // "%n day(s)" in the code; the English file turns it into "1 day",
    // "2 days". No plural text may show its "(s)" to an English reader.
    Translations::install(*QCoreApplication::instance(), QStringLiteral("en"));
    const TsFile en = readTs(tsPath(QStringLiteral("en")));
    QVERIFY2(en.error.isEmpty(), qPrintable(en.error));
    for (const TsMessage &m : en.messages) {
        const QByteArray context = m.context.toUtf8();
        const QByteArray source = m.source.toUtf8();
        for (const int n : {1, 2, 5}) {
            const QString text
                = QCoreApplication::translate(context.constData(), source.constData(), nullptr, n);
            QVERIFY2(text.contains(QString::number(n)), qPrintable(describe(m)));
            QVERIFY2(!text.contains(u"(s)"), qPrintable(describe(m) + QStringLiteral(" reads ") + text));
        }
    }
}

void TestTranslations::languageComesFromArgumentEnvironmentSettingSystem()
{
    QCOMPARE(Translations::choose(), QLocale::system());

    setSavedLanguage(QStringLiteral("es"));
    QCOMPARE(Translations::choose().language(), QLocale::Spanish);

    // The environment beats saved settings, as it does for the database
    // configuration: a script or a kiosk launcher can always say which.
    qputenv("CARWASH_LANG", "de");
    QCOMPARE(Translations::choose().language(), QLocale::German);

    QCOMPARE(Translations::choose(QStringLiteral("en")).language(), QLocale::English);
}

void TestTranslations::countryVariantsUseTheirLanguage()
{
    const QLocale mexico = Translations::install(*QCoreApplication::instance(), QStringLiteral("es_MX"));
    QCOMPARE(mexico.language(), QLocale::Spanish);
    QCOMPARE(mexico.territory(), QLocale::Mexico);
    QCOMPARE(DbError::tr("That time slot was just taken."),
             QStringLiteral("Esa franja horaria se acaba de ocupar."));

    const QLocale austria = Translations::install(*QCoreApplication::instance(), QStringLiteral("de-AT"));
    QCOMPARE(austria.territory(), QLocale::Austria);
    QCOMPARE(DbError::tr("That time slot was just taken."),
             QStringLiteral("Dieser Termin wurde gerade vergeben."));
}

void TestTranslations::untranslatedLanguageFallsBackToEnglish()
{
    Translations::install(*QCoreApplication::instance(), QStringLiteral("de"));
    // Switching replaces the German translator rather than stacking on it.
    const QLocale inUse = Translations::install(*QCoreApplication::instance(), QStringLiteral("fr"));
    QCOMPARE(inUse.language(), QLocale::English);
    QCOMPARE(DbError::tr("That time slot was just taken."), QStringLiteral("That time slot was just taken."));
}

void TestTranslations::qtOwnTextsFollowWhenInstalled()
{
    // scripts/setup-deps.sh installs qt6-translations-l10n: dialogs' own
    // buttons must speak the user's language too.
    const QString qtTranslations = QLibraryInfo::path(QLibraryInfo::TranslationsPath);
    QVERIFY2(QFile::exists(QDir(qtTranslations).filePath(QStringLiteral("qtbase_de.qm"))),
             "Qt's own translations are missing: install qt6-translations-l10n");
    Translations::install(*QCoreApplication::instance(), QStringLiteral("de"));
    QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), QStringLiteral("Abbrechen"));
    Translations::install(*QCoreApplication::instance(), QStringLiteral("es"));
    QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), QStringLiteral("Cancelar"));
}

void TestTranslations::nameOfNoLanguageIsIgnored()
{
    setSavedLanguage(QStringLiteral("de"));
    qputenv("CARWASH_LANG", "not-a-language");
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("CARWASH_LANG.*not-a-language")));
    QCOMPARE(Translations::choose().language(), QLocale::German);
}

void TestTranslations::translationFilesAreComplete_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("Spanish") << QStringLiteral("es");
    QTest::newRow("German") << QStringLiteral("de");
    QTest::newRow("English plural forms") << QStringLiteral("en");
}

void TestTranslations::translationFilesAreComplete()
{
    QFETCH(QString, language);
    const TsFile ts = readTs(tsPath(language));
    QVERIFY2(ts.error.isEmpty(), qPrintable(ts.error));
    QCOMPARE(ts.language, language);
    QVERIFY(!ts.messages.isEmpty());

    QStringList problems;
    for (const TsMessage &m : ts.messages) {
        if (m.type == u"vanished" || m.type == u"obsolete")
            continue; // no longer in the code; lrelease leaves them out
        if (m.type == u"unfinished")
            problems << QStringLiteral("unfinished: ") + describe(m);
        if (language == u"en" && !m.numerus)
            problems << QStringLiteral("English holds only plural forms: ") + describe(m);
        if (m.translations.isEmpty() || (m.numerus && m.translations.size() != 2))
            problems << QStringLiteral("wrong number of forms: ") + describe(m);
        for (const QString &translation : m.translations) {
            if (translation.trimmed().isEmpty())
                problems << QStringLiteral("empty: ") + describe(m);
            else if (placeholders(translation) != placeholders(m.source))
                problems << QStringLiteral("placeholders differ: ") + describe(m) + QStringLiteral(" -> ")
                        + translation.left(70);
        }
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

void TestTranslations::spanishAndGermanCoverTheSameTexts()
{
    auto keys = [](const TsFile &ts) {
        std::set<std::pair<QString, QString>> all;
        for (const TsMessage &m : ts.messages)
            all.insert({m.context, m.source});
        return all;
    };
    const TsFile es = readTs(tsPath(QStringLiteral("es")));
    const TsFile de = readTs(tsPath(QStringLiteral("de")));
    QCOMPARE(keys(es).size(), size_t(es.messages.size()));
    QVERIFY(keys(es) == keys(de));
}

void TestTranslations::translationFilesHoldEveryTextOfTheCode()
{
    // lupdate over the code, into a copy of the German file: a tr() text the
    // committed file lacks comes out unfinished.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString copy = dir.filePath(QStringLiteral("carwash_de.ts"));
    QVERIFY(QFile::copy(tsPath(QStringLiteral("de")), copy));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);

    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    lupdate.start(QStringLiteral(CARWASH_LUPDATE),
                  {QStringLiteral("-silent"), QStringLiteral("-no-obsolete"), QStringLiteral("-locations"),
                   QStringLiteral("none"), QStringLiteral("-source-language"), QStringLiteral("en"),
                   QStringLiteral("@" CARWASH_TRANSLATED_SOURCES), QStringLiteral("-ts"), copy});
    QVERIFY2(lupdate.waitForFinished(60000), qPrintable(lupdate.errorString()));
    QVERIFY2(lupdate.exitStatus() == QProcess::NormalExit && lupdate.exitCode() == 0,
             lupdate.readAll().constData());

    const TsFile updated = readTs(copy);
    QVERIFY2(updated.error.isEmpty(), qPrintable(updated.error));
    QStringList missing;
    for (const TsMessage &m : updated.messages) {
        if (m.type == u"unfinished")
            missing << describe(m);
    }
    QVERIFY2(missing.isEmpty(),
             qPrintable(
                 QStringLiteral("Texts in the code without a translation; run `cmake --build build --target "
                                "update_translations` and translate them in translations/*.ts:\n")
                 + missing.join(u'\n')));
}

void TestTranslations::adminAnswersInTheChosenLanguage_data()
{
    QTest::addColumn<QString>("carwashLang");
    QTest::addColumn<QString>("savedLanguage");
    QTest::addColumn<QString>("systemLocale");
    QTest::addColumn<QString>("expected");
    QTest::newRow("CARWASH_LANG=de") << QStringLiteral("de") << QString() << QStringLiteral("C")
                                     << QStringLiteral("Aufruf: carwash-admin BEFEHL [--json]\n\nBefehle:\n");
    QTest::newRow("CARWASH_LANG=es over a German setting")
        << QStringLiteral("es") << QStringLiteral("de") << QStringLiteral("C")
        << QStringLiteral("Uso: carwash-admin COMANDO [--json]\n\nComandos:\n");
    QTest::newRow("setting ui/language=de") << QString() << QStringLiteral("de") << QStringLiteral("C")
                                            << QStringLiteral("Aufruf: carwash-admin BEFEHL");
    QTest::newRow("system locale es_ES") << QString() << QString() << QStringLiteral("es_ES.UTF-8")
                                         << QStringLiteral("Uso: carwash-admin COMANDO");
    QTest::newRow("no language anywhere")
        << QString() << QString() << QStringLiteral("C")
        << QStringLiteral("Usage: carwash-admin COMMAND [--json]\n\nCommands:\n");
}

void TestTranslations::adminAnswersInTheChosenLanguage()
{
    QFETCH(QString, carwashLang);
    QFETCH(QString, savedLanguage);
    QFETCH(QString, systemLocale);
    QFETCH(QString, expected);
    QVERIFY2(QFileInfo::exists(adminPath()), qPrintable(adminPath()));

    // The program's own settings file, in a home of its own.
    QTemporaryDir home;
    QVERIFY(home.isValid());
    if (!savedLanguage.isEmpty()) {
        QSettings saved(home.filePath(QStringLiteral(".config/carwash/carwash-desk.conf")),
                        QSettings::IniFormat);
        saved.setValue(Translations::settingsKey(), savedLanguage);
        saved.sync();
        QCOMPARE(saved.status(), QSettings::NoError);
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name :
         {"CARWASH_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "XDG_CONFIG_HOME", "DATABASE_URL"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("LANG"), systemLocale);
    if (!carwashLang.isEmpty())
        env.insert(QStringLiteral("CARWASH_LANG"), carwashLang);

    QProcess admin;
    admin.setProcessEnvironment(env);
    admin.start(adminPath(), {}); // no command: the usage text on stderr, exit 2
    QVERIFY2(admin.waitForFinished(30000), qPrintable(admin.errorString()));
    QCOMPARE(admin.exitStatus(), QProcess::NormalExit);
    QCOMPARE(admin.exitCode(), int(AdminCli::Invalid));
    const QString err = QString::fromUtf8(admin.readAllStandardError());
    QVERIFY2(err.startsWith(expected), qPrintable(err.left(200)));
}

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"

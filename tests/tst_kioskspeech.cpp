// The kiosk's speech mode on the offscreen platform. What is spoken is
// checked where it leaves the program: at a text-to-speech engine loaded
// through Qt's own plug-in mechanism (the tests' recording engine,
// tests/harness/recordingspeech), which writes down every say() and stop()
// with the locale and voice in use. The real engines the kiosk uses (speechd
// with espeak-ng, Flite) are asked what they can speak.

#include "tests/kioskspeechfixture.h"

#include "app/startup/translations.h"
#include "ui/kiosk/kioskspeechengine_p.h"

#include <QApplication>
#include <QLabel>
#include <QSignalSpy>
#include <QTest>
#include <QTextToSpeech>

class TestKioskSpeech : public QObject, private KioskSpeechFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init() { setUp(); }
    void cleanup() { tearDown(); }

    void recordingEngineLoadsThroughQtsPluginMechanism();
    void turningOnReadsTitleThenFocusedChoiceInTheChosenLanguage();
    void eachScreenShownIsReadWithItsFirstChoiceFocused();
    void readsAccessibleNameAndDescriptionElseText();
    void aNewUtteranceStopsOnlySpeechStillGoing();
    void languageSwitchWhileOnRereadsInTheNewVoice();
    void noVoiceForTheLanguageKeepsSpeechOffAndSaysWhy();
    void switchingToALanguageWithoutVoiceTurnsSpeechOff();
    void noEngineKeepsSpeechOffAndSaysWhy();
    void fliteHasNoSpanishVoice();
    void speechDispatcherSpeaksEveryKioskLanguage();
    void aWedgedEngineNeverFreezesTheKiosk();
};

void TestKioskSpeech::initTestCase()
{
    Translations::install(*qApp, QStringLiteral("en"));
}

void TestKioskSpeech::recordingEngineLoadsThroughQtsPluginMechanism()
{
    QVERIFY2(QTextToSpeech::availableEngines().contains(recordingEngine()),
             qPrintable(QTextToSpeech::availableEngines().join(u',')));
    QTextToSpeech speech(recordingEngine());
    QCOMPARE(speech.engine(), recordingEngine());
    QCOMPARE(speech.state(), QTextToSpeech::Ready);
    speech.say(QStringLiteral("hello"));
    QCOMPARE(RecordingSpeech::said(), QStringList {QStringLiteral("hello")});
}

void TestKioskSpeech::turningOnReadsTitleThenFocusedChoiceInTheChosenLanguage()
{
    Translations::install(*qApp, QStringLiteral("es"));
    QVERIFY(intro() != QStringLiteral("Speech on. Press 4 or 6 to move, 5 to choose, 0 to repeat."));
    makeSpeech();
    m_speech->setLanguage(QStringLiteral("es"));
    showWashScreen();
    QVERIFY(RecordingSpeech::log().isEmpty()); // off: nothing said, no focus moved

    QSignalSpy enabled(m_speech.get(), &KioskSpeech::enabledChanged);
    m_speech->setEnabled(true);
    QVERIFY(m_speech->isStarting());
    QTRY_VERIFY(m_speech->isEnabled());
    QCOMPARE(enabled.count(), 1);
    QCOMPARE(m_speech->engineName(), recordingEngine());
    QCOMPARE(QApplication::focusWidget(), m_kiosk->basic);
    QTRY_COMPARE(RecordingSpeech::log().size(), 1);
    const QList<RecordedSpeech> log = RecordingSpeech::log();
    QCOMPARE(log.first().kind, RecordedSpeech::Kind::Say);
    QCOMPARE(log.first().text, intro() + u' ' + washAnnouncement(QStringLiteral("Basic wash. 8.00 dollars")));
    QCOMPARE(log.first().locale, QLocale(QStringLiteral("es_ES")));
    QCOMPARE(log.first().voice, QStringLiteral("recording-es_ES"));
}

void TestKioskSpeech::eachScreenShownIsReadWithItsFirstChoiceFocused()
{
    makeSpeech();
    showWashScreen();
    enableSpeech();
    m_kiosk->stack->setCurrentWidget(m_kiosk->timeScreen);
    m_speech->screenShown(m_kiosk->timeScreen);
    QCOMPARE(QApplication::focusWidget(), m_kiosk->now);
    QTRY_COMPARE(RecordingSpeech::said().size(), 2);
    QCOMPARE(RecordingSpeech::said().last(),
             QStringLiteral("Pick a time. Now, Tunnel Lane 2. Ready in 4 min"));
    QCOMPARE(RecordingSpeech::log().last().locale, QLocale(QStringLiteral("en_US")));
    // Nothing more comes later from the focus having moved.
    const qsizetype saidSoFar = RecordingSpeech::said().size();
    QTest::qWait(50);
    QCOMPARE(RecordingSpeech::said().size(), saidSoFar);
}

void TestKioskSpeech::readsAccessibleNameAndDescriptionElseText()
{
    QCOMPARE(KioskSpeech::textFor(m_kiosk->deluxe), QStringLiteral("Deluxe wash. 14.50 dollars"));
    QCOMPARE(KioskSpeech::textFor(m_kiosk->later), QStringLiteral("10:30, Tunnel Lane 1"));
    QCOMPARE(KioskSpeech::textFor(m_kiosk->startOver), QStringLiteral("Start over"));
    m_kiosk->plate->setText(QStringLiteral("AB 123"));
    QCOMPARE(KioskSpeech::textFor(m_kiosk->plate), QStringLiteral("Plate. AB 123"));
    QPushButton truck(QStringLiteral("Truck"));
    truck.setCheckable(true);
    truck.setChecked(true);
    QCOMPARE(KioskSpeech::textFor(&truck), QStringLiteral("Truck. Selected"));
    QLabel rich(QStringLiteral("<b>Drive to</b> Tunnel Lane 2"));
    QCOMPARE(KioskSpeech::textFor(&rich), QStringLiteral("Drive to Tunnel Lane 2"));
}

void TestKioskSpeech::aNewUtteranceStopsOnlySpeechStillGoing()
{
    // Utterances that go on until stopped: each new one cuts the last.
    makeSpeech({{QStringLiteral("utteranceMs"), -1}});
    showWashScreen();
    enableSpeech();
    pressKeypad(Qt::Key_6);
    QTRY_COMPARE(RecordingSpeech::said().size(), 2);
    QList<RecordedSpeech> log = RecordingSpeech::log();
    QCOMPARE(log.size(), 3);
    QCOMPARE(log.at(1).kind, RecordedSpeech::Kind::Stop);
    QCOMPARE(log.at(2).text, QStringLiteral("Deluxe wash. 14.50 dollars"));

    // Utterances that end by themselves: nothing is left to stop.
    m_keypad.reset();
    m_speech.reset();
    RecordingSpeech::clear();
    makeSpeech({{QStringLiteral("utteranceMs"), 0}});
    showWashScreen();
    m_kiosk->basic->setFocus();
    enableSpeech();
    QTRY_COMPARE(RecordingSpeech::log().size(), 2); // the intro said, then done
    QCOMPARE(RecordingSpeech::log().at(1).kind, RecordedSpeech::Kind::Done);
    pressKeypad(Qt::Key_6);
    QTRY_COMPARE(RecordingSpeech::said().size(), 2);
    log = RecordingSpeech::log();
    QCOMPARE(log.at(2).kind, RecordedSpeech::Kind::Say);
    QCOMPARE(log.at(2).text, QStringLiteral("Deluxe wash. 14.50 dollars"));
    for (const RecordedSpeech &entry : log)
        QVERIFY(entry.kind != RecordedSpeech::Kind::Stop);
}

void TestKioskSpeech::languageSwitchWhileOnRereadsInTheNewVoice()
{
    makeSpeech();
    showWashScreen();
    enableSpeech();
    QCOMPARE(RecordingSpeech::log().last().locale, QLocale(QStringLiteral("en_US")));
    m_speech->setLanguage(QStringLiteral("de"));
    QTRY_COMPARE(RecordingSpeech::said().size(), 2);
    const RecordedSpeech last = RecordingSpeech::log().last();
    QCOMPARE(last.text, washAnnouncement(QStringLiteral("Basic wash. 8.00 dollars")));
    QCOMPARE(last.locale, QLocale(QStringLiteral("de_DE")));
    QCOMPARE(last.voice, QStringLiteral("recording-de_DE"));
    QVERIFY(m_speech->isEnabled());
}

void TestKioskSpeech::noVoiceForTheLanguageKeepsSpeechOffAndSaysWhy()
{
    makeSpeech({{QStringLiteral("locales"), QStringList {QStringLiteral("en_US"), QStringLiteral("es_ES")}}});
    showWashScreen();
    m_speech->setLanguage(QStringLiteral("de"));
    QSignalSpy unavailable(m_speech.get(), &KioskSpeech::unavailable);
    QSignalSpy enabled(m_speech.get(), &KioskSpeech::enabledChanged);
    m_speech->setEnabled(true);
    QTRY_COMPARE(unavailable.count(), 1);
    QVERIFY(!m_speech->isEnabled());
    QVERIFY(!m_speech->isStarting());
    QCOMPARE(enabled.count(), 0);
    const QString reason
        = KioskSpeech::tr("Speech is not available in %1 on this kiosk.").arg(QStringLiteral("Deutsch"));
    QCOMPARE(unavailable.first().first().toString(), reason);
    QCOMPARE(m_speech->unavailableReason(), reason);
    QVERIFY(RecordingSpeech::log().isEmpty());

    // In a language it has, it speaks and the reason is gone.
    m_speech->setLanguage(QStringLiteral("es"));
    enableSpeech();
    QVERIFY(m_speech->unavailableReason().isEmpty());
    QCOMPARE(RecordingSpeech::log().last().locale, QLocale(QStringLiteral("es_ES")));
}

void TestKioskSpeech::switchingToALanguageWithoutVoiceTurnsSpeechOff()
{
    makeSpeech({{QStringLiteral("locales"), QStringList {QStringLiteral("en_US")}}});
    showWashScreen();
    enableSpeech();
    QSignalSpy unavailable(m_speech.get(), &KioskSpeech::unavailable);
    QSignalSpy enabled(m_speech.get(), &KioskSpeech::enabledChanged);
    m_speech->setLanguage(QStringLiteral("es"));
    QTRY_COMPARE(unavailable.count(), 1);
    QVERIFY(!m_speech->isEnabled());
    QCOMPARE(enabled.count(), 1);
    QCOMPARE(enabled.first().first().toBool(), false);
    QVERIFY(unavailable.first().first().toString().contains(QLocale(QLocale::Spanish).nativeLanguageName()));
    const qsizetype said = RecordingSpeech::said().size();
    pressKeypad(Qt::Key_6); // asks to turn on again: refused again, nothing said
    QTRY_COMPARE(unavailable.count(), 2);
    QVERIFY(!m_speech->isEnabled());
    QCOMPARE(RecordingSpeech::said().size(), said);
}

void TestKioskSpeech::noEngineKeepsSpeechOffAndSaysWhy()
{
    m_speech = std::make_unique<KioskSpeech>(QStringLiteral("no-such-engine"), QVariantMap {});
    QSignalSpy unavailable(m_speech.get(), &KioskSpeech::unavailable);
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(QStringLiteral("no-such-engine")));
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("speech mode unavailable.*no-such-engine")));
    m_speech->setEnabled(true);
    QTRY_COMPARE(unavailable.count(), 1);
    QVERIFY(!m_speech->isEnabled());
    QCOMPARE(m_speech->unavailableReason(), KioskSpeech::tr("Speech is not available on this kiosk."));
    QVERIFY(m_speech->engineName().isEmpty());
}

void TestKioskSpeech::fliteHasNoSpanishVoice()
{
    QVERIFY2(QTextToSpeech::availableEngines().contains(QStringLiteral("flite")),
             "qt6-speech-flite-plugin is missing: run scripts/setup-deps.sh");
    m_speech = std::make_unique<KioskSpeech>(QStringLiteral("flite"), QVariantMap {});
    m_speech->screenShown(m_kiosk->washScreen);
    m_speech->setLanguage(QStringLiteral("es"));
    QSignalSpy unavailable(m_speech.get(), &KioskSpeech::unavailable);
    m_speech->setEnabled(true);
    QTRY_COMPARE(unavailable.count(), 1);
    QVERIFY(!m_speech->isEnabled());
    QCOMPARE(m_speech->engineName(), QStringLiteral("flite"));
    QCOMPARE(m_speech->unavailableReason(),
             KioskSpeech::tr("Speech is not available in %1 on this kiosk.")
                 .arg(QLocale(QLocale::Spanish).nativeLanguageName()));
}

void TestKioskSpeech::speechDispatcherSpeaksEveryKioskLanguage()
{
    QVERIFY2(QTextToSpeech::availableEngines().contains(QStringLiteral("speechd")),
             "qt6-speech-speechd-plugin is missing: run scripts/setup-deps.sh");
    qunsetenv("CARWASH_SPEECH_ENGINE");
    QCOMPARE(KioskSpeech::preferredEngine(), QStringLiteral("speechd"));
    // The kiosk's engine as KioskSpeech drives it, asked for a voice of each
    // of the kiosk's languages (espeak-ng's) but made to say nothing: a
    // speech-dispatcher without a sound card stops answering once it has
    // spoken (KioskSpeech's own thread keeps the kiosk alive then).
    KioskSpeechEngine engine(KioskSpeech::preferredEngine(), {});
    QSignalSpy answered(&engine, &KioskSpeechEngine::languageAnswered);
    int request = 0;
    for (const QString &language : {QStringLiteral("en"), QStringLiteral("es"), QStringLiteral("de")}) {
        engine.useLanguage(language, ++request);
        QCOMPARE(answered.size(), request);
        const QList<QVariant> answer = answered.last();
        QVERIFY2(answer.at(1).value<KioskSpeechEngine::Outcome>() == KioskSpeechEngine::Outcome::Ready,
                 qPrintable(language + QStringLiteral(": ") + answer.at(3).toString()));
        QCOMPARE(answer.at(2).toString(), QStringLiteral("speechd"));
    }
}

void TestKioskSpeech::aWedgedEngineNeverFreezesTheKiosk()
{
    // The engine takes 3 s to start; the kiosk waits 200 ms for it.
    const int startsBefore = RecordingSpeech::engineStarts();
    makeSpeech({{QStringLiteral("startDelayMs"), 3000}});
    m_speech->setEngineTimeout(200);
    showWashScreen();
    QSignalSpy unavailable(m_speech.get(), &KioskSpeech::unavailable);
    m_speech->setEnabled(true);
    // The GUI thread turns its events over meanwhile: the timeout fires
    // while the engine is still starting.
    QTRY_COMPARE(unavailable.count(), 1);
    QCOMPARE(m_speech->unavailableReason(), KioskSpeech::tr("Speech is not available on this kiosk."));
    QVERIFY(!m_speech->isEnabled());
    QVERIFY(!m_speech->isStarting());
    QVERIFY(RecordingSpeech::log().isEmpty());
    // Its late answer does not turn speech on behind the kiosk's back.
    QTRY_VERIFY_WITH_TIMEOUT(RecordingSpeech::engineStarts() == startsBefore + 1, 10000);
    QTest::qWait(100);
    QVERIFY(!m_speech->isEnabled());
    QVERIFY(RecordingSpeech::log().isEmpty());
}

QTEST_MAIN(TestKioskSpeech)
#include "tst_kioskspeech.moc"

#pragma once

#include <QList>
#include <QLocale>
#include <QString>
#include <QStringList>

// What the kiosk's speech sends to Qt TextToSpeech, as heard by a
// text-to-speech engine of the tests' own: a static Qt plug-in of the
// "texttospeech" type, provider "carwash-recording", loaded by Qt's plug-in
// mechanism like speechd or flite (QTextToSpeech(RecordingSpeech::engineName)).
// It makes no sound; it writes down every call. Linking CarWash::RecordingSpeech
// imports it (qt_add_plugin's generated Q_IMPORT_PLUGIN).
//
// Engine parameters: "locales" (a QStringList of locale names; default
// en_US, es_ES, de_DE, one voice each), "utteranceMs" (how long an utterance
// speaks before the engine is Ready again; default 0, -1 until stopped),
// "startDelayMs" (how long making the engine blocks, as a wedged
// speech-dispatcher does; default 0).
struct RecordedSpeech
{
    enum class Kind { Say, Stop, Done }; // Done: an utterance ended by itself
    Kind kind;
    QString text; // for Say
    QLocale locale; // the engine's locale at the call
    QString voice; // the voice's name at the call
};

class RecordingSpeech
{
public:
    static constexpr const char *engineName = "carwash-recording";
    // Every say(), every stop() that cut speech short and every utterance
    // that ended by itself, in order.
    static QList<RecordedSpeech> log();
    // The texts said, in order.
    static QStringList said();
    static void clear();
    // How many engines have been made since the start (they are made on the
    // kiosk's speech thread).
    static int engineStarts();
    // Only for the engine.
    static void record(const RecordedSpeech &entry);
};

#pragma once

#include <QElapsedTimer>
#include <QPointer>
#include <QPushButton>
#include <QTimer>

class KioskSpeech;
class QLabel;

// The on-screen "Speak" key: held for two seconds (a fill grows across it
// meanwhile) it turns speech on; a short tap only shows "Hold to hear the
// screen read aloud" above it for a few seconds, so nobody starts speech by
// brushing past. While speech is on a tap reads the screen again. The hint is
// a label inside the window (object name "speakHint"), never a dialog.
class SpeakButton : public QPushButton
{
    Q_OBJECT
public:
    static constexpr int DefaultHoldMilliseconds = 2000;
    static constexpr int DefaultHintMilliseconds = 4000;

    // speech must outlive the button.
    explicit SpeakButton(KioskSpeech *speech, QWidget *parent = nullptr);

    // How long a press must last; tests shorten it.
    void setHoldTime(int milliseconds) { m_holdMs = milliseconds; }
    int holdTime() const { return m_holdMs; }
    // How long the tap's hint stays up.
    void setHintTime(int milliseconds) { m_hintMs = milliseconds; }

Q_SIGNALS:
    // Held long enough while speech was off: speech has been asked to turn on.
    void speechRequested();

protected:
    void changeEvent(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    void retranslate();
    void onPressed();
    void onReleased();
    void onHeld();
    void showHint();

    KioskSpeech *m_speech;
    QTimer m_hold;
    QTimer m_progress; // repaints the fill while held
    QElapsedTimer m_pressedFor;
    QTimer m_hintTimer;
    QPointer<QLabel> m_hint;
    int m_holdMs = DefaultHoldMilliseconds;
    int m_hintMs = DefaultHintMilliseconds;
    bool m_heldLongEnough = false;
};

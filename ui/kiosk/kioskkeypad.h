#pragma once

#include <QObject>

class KioskSpeech;
class QKeyEvent;
class QWidget;

// The tactile USB keypad below the kiosk's screen, as ATMs and fare machines
// have it (ADA 2010 §707.5; the raised dot on 5). An event filter on the
// application: while speech is on, 4 moves to the previous choice, 6 to the
// next (wrapping round), 5 presses the focused button and 0 repeats the
// screen; while speech is off any digit of the keypad turns it on. Keypad
// keys count everywhere (with Num Lock off too: arrows, Clear and Insert);
// the number row's digits too unless a text field has the focus (there they
// are typed). Keys it handles go no further.
class KioskKeypad : public QObject
{
    Q_OBJECT
public:
    // Watches the whole application from now on; speech must outlive it.
    explicit KioskKeypad(KioskSpeech *speech, QObject *parent = nullptr);
    ~KioskKeypad() override;

Q_SIGNALS:
    // A keypad key was pressed while speech was off: speech has been asked
    // to turn on (it may refuse: KioskSpeech::unavailable()).
    void speechRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    enum class Action { None, Previous, Next, Select, Repeat };
    static Action actionFor(const QKeyEvent *event);
    bool isKeypadKey(const QKeyEvent *event, const QWidget *receiver) const;
    void perform(Action action);
    void moveFocus(int step);

    KioskSpeech *m_speech;
};

#pragma once

#include <QString>
#include <QWidget>

class QLabel;
class QPushButton;

// One screen of the kiosk's flow. Each has a title (its accessibleName too,
// what speech says first) and sets every text again on
// QEvent::LanguageChange from what it holds, so switching the language
// keeps everything chosen. GUI thread only.
class KioskScreen : public QWidget
{
    Q_OBJECT
public:
    explicit KioskScreen(QWidget *parent = nullptr);

    virtual QString title() const = 0;
    // What an attendant is told this screen shows ("Pay: DELUXE, 14:30").
    virtual QString describe() const { return title(); }

    // A large button as the kiosk's screens use them: takes keyboard focus
    // (a tactile keypad moves it), never the default button.
    static QPushButton *bigButton(const QString &objectName, QWidget *parent);
    // The one thing to do next on a screen, styled to stand out.
    static void makePrimary(QPushButton *button);
    static void setSpoken(QPushButton *button, const QString &text, const QString &name,
                          const QString &description = {});

protected:
    // Sets every text; called once from the subclass's constructor and on
    // each language change.
    virtual void retranslate() = 0;
    void changeEvent(QEvent *event) override;
    // The title label at the top of the screen (created on first use).
    QLabel *titleLabel();
    void updateTitle();

private:
    QLabel *m_title = nullptr;
};

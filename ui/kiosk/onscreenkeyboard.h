#pragma once

#include <QList>
#include <QWidget>

class QPushButton;
class QResizeEvent;

// The kiosk's own large keyboard: digits, letters, space, dash, the few
// signs an e-mail address or phone number needs, and backspace. It types
// into whatever the owner says (typed(), backspace()); keys take keyboard
// focus so a keypad can move across them. No system input method is used.
class OnScreenKeyboard : public QWidget
{
    Q_OBJECT
public:
    explicit OnScreenKeyboard(QWidget *parent = nullptr);

    // The key that types text ("A", "7", "-", " ", "@"); nullptr when none.
    QPushButton *key(const QString &text) const;
    QPushButton *backspaceKey() const { return m_backspace; }

Q_SIGNALS:
    void typed(const QString &text);
    void backspace();

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void retranslate();

    QList<QPushButton *> m_keys;
    QPushButton *m_space = nullptr;
    QPushButton *m_backspace = nullptr;
};

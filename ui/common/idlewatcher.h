#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

// Watches the whole application's keyboard, mouse and touch input (an event
// filter on the application object) and says idle() once nobody has touched
// it for the timeout, so a desk left alone signs its person out. Only while
// active; one idle() per quiet spell.
class IdleWatcher : public QObject
{
    Q_OBJECT
public:
    // Minutes, fractions allowed; 0 turns automatic sign-out off.
    static QString settingsKey() { return QStringLiteral("desk/idle_signout_minutes"); }
    static constexpr double DefaultMinutes = 10;

    explicit IdleWatcher(QObject *parent = nullptr);
    ~IdleWatcher() override;

    // The timeout saved under settingsKey(), in milliseconds (0 = never).
    static int timeoutFromSettings();

    void setTimeout(int milliseconds);
    int timeout() const { return m_timeoutMs; }
    void setActive(bool active);
    bool isActive() const { return m_active; }

Q_SIGNALS:
    void idle();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void check();

    QElapsedTimer m_sinceInput;
    QTimer m_check;
    int m_timeoutMs = 0;
    bool m_active = false;
};

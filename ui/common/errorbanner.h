#pragma once

#include <QFrame>

#include <functional>

class QLabel;
class QPushButton;

// The non-modal error strip at the top of a window: what went wrong, what
// to do about it, and a Retry button when trying again makes sense. Several
// sources may report at once (the database watcher, a page); the latest one
// shows, and an earlier one comes back when the latest is cleared. It never
// takes the focus away from what the user is typing.
class ErrorBanner : public QFrame
{
    Q_OBJECT
public:
    explicit ErrorBanner(QWidget *parent = nullptr);

    // Shows (or replaces) source's message. retry, when given, runs on Retry.
    // A message that clears itself when the problem goes (the database
    // coming back) is not dismissable: it would only return.
    void showMessage(const QString &source, const QString &message, const QString &whatToDo,
                     std::function<void()> retry = {}, bool dismissable = true);
    void clear(const QString &source);
    bool hasMessage(const QString &source) const;

    // What is on show now; empty when the banner is hidden.
    QString currentSource() const;
    QString message() const;
    QString whatToDo() const;

private:
    struct Entry
    {
        QString source;
        QString message;
        QString whatToDo;
        std::function<void()> retry;
        bool dismissable = true;
    };

    void refresh();
    void retryCurrent();

    QList<Entry> m_entries; // oldest first; the last one shows
    QLabel *m_icon = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_whatToDo = nullptr;
    QPushButton *m_retry = nullptr;
    QPushButton *m_dismiss = nullptr;
};

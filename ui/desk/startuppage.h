#pragma once

#include <QWidget>

class BusyIndicator;
class QLabel;

// What the window shows before the database is ready: the product's name
// and one line saying what is happening ("Starting the database…") with a
// spinner, or, after a failure, what failed (the window's banner carries
// what to do and Retry).
class StartupPage : public QWidget
{
    Q_OBJECT
public:
    explicit StartupPage(QWidget *parent = nullptr);

    void showProgress(const QString &text);
    void showFailure(const QString &text);
    QString statusText() const;

private:
    BusyIndicator *m_busy = nullptr;
    QLabel *m_status = nullptr;
};

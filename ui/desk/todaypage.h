#pragma once

#include "db/catalogue/service.h"

#include <QDateTime>
#include <QTimeZone>
#include <QWidget>

#include <functional>

class BusyIndicator;
class ConnectionPool;
class ErrorBanner;
class QLabel;
class QPushButton;
class QTableWidget;

// The desk's first page after sign-in until the day board takes its place:
// today's date and the wash menu (packages with duration, the price for
// each vehicle class and the add-ons), read through the pool. Today is the
// site's, in the site's time zone (site.timezone), loaded with the menu;
// never this computer's. What was last loaded stays on screen while the
// database is away.
class TodayPage : public QWidget
{
    Q_OBJECT
public:
    TodayPage(ConnectionPool &pool, ErrorBanner &banner, QWidget *parent = nullptr);

    void reload();
    // After the database comes back: loads again if the last load failed.
    void reloadIfFailed();
    bool isLoading() const { return m_loading; }
    QList<Service> services() const { return m_services; }
    // The site's date as the page shows it (invalid before a load).
    QDate shownDate() const { return m_shownDate; }
    // Where "now" comes from; the system clock unless a test sets another.
    void setClock(std::function<QDateTime()> clock);

Q_SIGNALS:
    void loaded();

private:
    void display(const QList<Service> &services, const QTimeZone &siteZone);

    ConnectionPool &m_pool;
    ErrorBanner &m_banner;
    QLabel *m_date = nullptr;
    QLabel *m_updated = nullptr;
    QLabel *m_empty = nullptr;
    QTableWidget *m_table = nullptr;
    QPushButton *m_refresh = nullptr;
    BusyIndicator *m_busy = nullptr;
    QList<Service> m_services;
    QDateTime m_loadedAt;
    QDate m_shownDate;
    std::function<QDateTime()> m_now = [] { return QDateTime::currentDateTimeUtc(); };
    bool m_loading = false;
    bool m_failed = false;
};

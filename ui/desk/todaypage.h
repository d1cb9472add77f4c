#pragma once

#include "db/catalogue/service.h"

#include <QDateTime>
#include <QWidget>

class BusyIndicator;
class ConnectionPool;
class ErrorBanner;
class QLabel;
class QPushButton;
class QTableWidget;

// The desk's first page after sign-in until the day board takes its place:
// today's date and the wash menu (packages with duration, the price for
// each vehicle class and the add-ons), read through the pool. What was last
// loaded stays on screen while the database is away.
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

Q_SIGNALS:
    void loaded();

private:
    void display(const QList<Service> &services);

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
    bool m_loading = false;
    bool m_failed = false;
};

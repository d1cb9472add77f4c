#pragma once

#include "ui/common/databasehealthwatcher.h"

#include <QWidget>

class QLabel;

// A coloured light and a word or two for the database's health: green
// connected, amber slow or busy, red unavailable, grey not checked yet. The
// tooltip (and accessible description) carries the figures behind it.
class DatabaseStatusIndicator : public QWidget
{
    Q_OBJECT
public:
    explicit DatabaseStatusIndicator(DatabaseHealthWatcher &watcher, QWidget *parent = nullptr);

    QString text() const;
    QColor colour() const { return m_colour; }

private:
    void refresh();

    DatabaseHealthWatcher &m_watcher;
    QLabel *m_light = nullptr;
    QLabel *m_text = nullptr;
    QColor m_colour;
};

#pragma once

#include "ui/manager/firstrunpage.h"

#include <QMap>

class BusyIndicator;
class OpeningHoursEditor;
class QLabel;
class QLineEdit;

// The first run's settings pages ("Your car wash", "Prices and tax"): one
// SettingEditor per key, as on the manager's Site tab, with the setting's
// help under it, checked by SiteSettings::validate in the display locale.
class SettingsFirstRunPage : public FirstRunPage
{
    Q_OBJECT
public:
    SettingsFirstRunPage(const QStringList &keys, QWidget *parent = nullptr);

    void fill(FirstRunPlan &plan) const override;
    QList<FieldError> check() const override;
    QWidget *editor(const QString &key) const { return m_editors.value(key); }

private:
    QMap<QString, QWidget *> m_editors;
    QStringList m_keys;
};

// The week's opening hours (an OpeningHoursEditor), filled in with the
// hours most car washes keep.
class HoursFirstRunPage : public FirstRunPage
{
    Q_OBJECT
public:
    explicit HoursFirstRunPage(QWidget *parent = nullptr);

    void fill(FirstRunPlan &plan) const override;
    QList<FieldError> check() const override;

private:
    OpeningHoursEditor *m_editor = nullptr;
};

// The first manager: a name and a PIN typed twice.
class ManagerFirstRunPage : public FirstRunPage
{
    Q_OBJECT
public:
    explicit ManagerFirstRunPage(QWidget *parent = nullptr);

    void fill(FirstRunPlan &plan) const override;
    QList<FieldError> check() const override;

private:
    QLineEdit *m_name = nullptr;
    QLineEdit *m_pin = nullptr;
    QLineEdit *m_repeat = nullptr;
};

// The last page: what will be written, and the writing itself (busy, or
// why it failed) once Finish is pressed. The wizard does the writing.
class ReadyFirstRunPage : public FirstRunPage
{
    Q_OBJECT
public:
    explicit ReadyFirstRunPage(QWidget *parent = nullptr);

    void fill(FirstRunPlan &) const override { }
    QList<FieldError> check() const override { return {}; }
    // Asks the wizard to write; Finish moves on only once that is done.
    bool validatePage() override;
    bool isComplete() const override;

    void showSummary(const FirstRunPlan &plan);
    void setBusy(bool busy);
    bool isBusy() const { return m_busyNow; }
    void setProblem(const QString &text);
    QString summary() const;
    void setDone() { m_done = true; }

Q_SIGNALS:
    void finishRequested();

private:
    QLabel *m_summary = nullptr;
    QLabel *m_problem = nullptr;
    BusyIndicator *m_busy = nullptr;
    bool m_busyNow = false;
    bool m_done = false;
};

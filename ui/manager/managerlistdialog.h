#pragma once

#include "db/pool/dberror.h"

#include <QDialog>

class BusyIndicator;
class ErrorBanner;
class QLabel;
class QLayout;
class QTreeWidget;

// What the manager's list-and-edit dialogs (card readers, kiosks) share:
// the banner, the list of rows under its label, a status line with the busy
// indicator, Close, and the bookkeeping around a load and a save on the
// pool - busy while either runs, a failure in the banner with what to do
// (a failed load with Try again), and after a save the status line, the
// focus back on the list and a reload.
class ManagerListDialog : public QDialog
{
    Q_OBJECT
public:
    virtual void reload() = 0;
    bool isBusy() const;
    QString statusText() const;
    QTreeWidget *list() const { return m_list; }

Q_SIGNALS:
    void loaded();

protected:
    // source names the dialog's banner messages ("kiosks", "kiosks.change").
    ManagerListDialog(const QString &source, QWidget *parent);

    // Banner, intro, the list under listLabel, the editing rows, the status
    // line and Close, in that order; widthChars wide.
    void layOut(const QString &intro, QLabel *listLabel, const QList<QLayout *> &editing, int widthChars);
    // Enables what may be used now (isBusy() included).
    virtual void updateButtons() = 0;

    void loadStarted();
    // Whether the load worked; if not, the banner says failedWords and the
    // error with Try again. Either way the busy indicator stops unless a
    // save still runs.
    template<typename T> bool loadFinished(const DbResult<T> &result, const QString &failedWords)
    {
        return loadFinished(result.ok() ? nullptr : &result.error(), failedWords);
    }
    void saveStarted();
    // Whether the save worked; if not, the banner says failedWords and the
    // error. On success the caller says what was done with showSaved().
    template<typename T> bool saveFinished(const DbResult<T> &result, const QString &failedWords)
    {
        return saveFinished(result.ok() ? nullptr : &result.error(), failedWords);
    }
    // A save done: status in the status line, the focus back on the list
    // (where the next row is chosen and every Alt+letter works), reloaded.
    void showSaved(const QString &status);
    // A change refused before it is sent: the banner says why.
    void refuse(const QString &failedWords, const QString &why);
    bool isLoading() const { return m_loading; }
    bool isSaving() const { return m_saving; }
    QLabel *status() const { return m_status; }

private:
    bool loadFinished(const DbError *error, const QString &failedWords);
    bool saveFinished(const DbError *error, const QString &failedWords);

    QString m_loadSource;
    QString m_changeSource;
    ErrorBanner *m_banner = nullptr;
    QTreeWidget *m_list = nullptr;
    QLabel *m_status = nullptr;
    BusyIndicator *m_busy = nullptr;
    bool m_loading = false;
    bool m_saving = false;
};

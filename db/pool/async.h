#pragma once

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>

#include <utility>

namespace Async {

// Hands a future's result to fn on context's thread (the GUI thread for a
// widget) once it is ready, without anyone waiting for it. A QFutureWatcher
// owned by context carries it across, so if context is destroyed first fn is
// simply never called; the work itself still runs to its end. A cancelled
// future (its pool shut down) calls nothing either. fn always runs from the
// event loop, never inside this call, even when the work is already done:
// QFuture::then(context, …) calls its continuation directly in that case, so a
// model's "loading" state could end before the caller saw it begin. A
// caller whose work must end somehow (a chain of units) passes whenCancelled,
// called instead of fn for a cancelled future.
template<typename T, typename Fn, typename Cancelled>
void onResult(const QFuture<T> &future, QObject *context, Fn &&fn, Cancelled &&whenCancelled)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, fn = std::forward<Fn>(fn),
                      whenCancelled = std::forward<Cancelled>(whenCancelled)]() mutable {
                         watcher->deleteLater();
                         const QFuture<T> done = watcher->future();
                         if (done.isCanceled() || done.resultCount() == 0)
                             whenCancelled();
                         else
                             fn(done.result());
                     });
    watcher->setFuture(future);
}

template<typename T, typename Fn> void onResult(const QFuture<T> &future, QObject *context, Fn &&fn)
{
    onResult(future, context, std::forward<Fn>(fn), [] {});
}

} // namespace Async

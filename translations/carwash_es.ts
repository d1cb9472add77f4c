<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>AddonsPage</name>
    <message>
        <source>Add-on name</source>
        <translation>Nombre del extra</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation>No&amp;mbre:</translation>
    </message>
    <message>
        <source>Add-on price</source>
        <translation>Precio del extra</translation>
    </message>
    <message>
        <source>Pri&amp;ce:</source>
        <translation>Pre&amp;cio:</translation>
    </message>
    <message>
        <source>Extra minutes</source>
        <translation>Minutos extra</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>E&amp;xtra time:</source>
        <translation>&amp;Tiempo extra:</translation>
    </message>
    <message>
        <source>&amp;Active (may be ordered)</source>
        <translation>&amp;Activo (se puede pedir)</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Activo</translation>
    </message>
    <message>
        <source>Offered with these services</source>
        <translation>Se ofrece con estos servicios</translation>
    </message>
    <message>
        <source>Offered &amp;with:</source>
        <translation>Se &amp;ofrece con:</translation>
    </message>
    <message>
        <source>Add-on</source>
        <translation>Extra</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Precio</translation>
    </message>
    <message>
        <source>Extra time</source>
        <translation>Tiempo extra</translation>
    </message>
    <message>
        <source>Offered with</source>
        <translation>Se ofrece con</translation>
    </message>
    <message>
        <source>Add-ons</source>
        <translation>Extras</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message>
        <source>Type the price, for example %1.</source>
        <translation>Escriba el precio, por ejemplo %1.</translation>
    </message>
</context>
<context>
    <name>AdminCli</name>
    <message>
        <source>Unknown command &quot;%1&quot;.</source>
        <translation>Comando desconocido: «%1».</translation>
    </message>
    <message>
        <source>The database schema is up to date (version %1).</source>
        <translation>El esquema de la base de datos está al día (versión %1).</translation>
    </message>
    <message>
        <source>Applied migrations: %1.</source>
        <translation>Migraciones aplicadas: %1.</translation>
    </message>
    <message>
        <source>The database already has services; nothing was changed.</source>
        <translation>La base de datos ya tiene servicios; no se ha cambiado nada.</translation>
    </message>
    <message>
        <source>Demo car wash created. Staff PINs (shown once, write them down):</source>
        <translation>Autolavado de demostración creado. PIN del personal (se muestran una sola vez, anótelos):</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>Estado: %1</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Base de datos: %1</translation>
    </message>
    <message>
        <source>  reachable, PostgreSQL %1, %2 ms</source>
        <translation>  accesible, PostgreSQL %1, %2 ms</translation>
    </message>
    <message>
        <source>  unreachable: %1</source>
        <translation>  inaccesible: %1</translation>
    </message>
    <message>
        <source>ALERT: %1</source>
        <translation>ALERTA: %1</translation>
    </message>
    <message>
        <source>No services yet. Add some, or run: carwash-admin seed --demo</source>
        <translation>Todavía no hay servicios. Añada alguno o ejecute: carwash-admin seed --demo</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message>
        <source>service needs one numeric ID, for example: carwash-admin service 2</source>
        <translation>service necesita un ID numérico, por ejemplo: carwash-admin service 2</translation>
    </message>
    <message>
        <source>There is no service with ID %1.</source>
        <translation>No hay ningún servicio con el ID %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n extra min</source>
        <translation>
            <numerusform>%n min adicional</numerusform>
            <numerusform>%n min adicionales</numerusform>
        </translation>
    </message>
    <message>
        <source>Usage: carwash-admin db start|stop|status</source>
        <translation>Uso: carwash-admin db start|stop|status</translation>
    </message>
    <message>
        <source>This program is configured for an external database (%1); db %2 only manages the embedded one.</source>
        <translation>Este programa está configurado para una base de datos externa (%1); db %2 solo gestiona la integrada.</translation>
    </message>
    <message>
        <source>The embedded database is stopped.</source>
        <translation>La base de datos integrada está detenida.</translation>
    </message>
    <message>
        <source>The embedded database is running (data in %1).</source>
        <translation>La base de datos integrada está en marcha (datos en %1).</translation>
    </message>
    <message>
        <source>The embedded database is not running (data in %1).</source>
        <translation>La base de datos integrada no está en marcha (datos en %1).</translation>
    </message>
    <message>
        <source>embedded default</source>
        <translation>integrada (predeterminada)</translation>
    </message>
    <message>
        <source>%1
Usage: carwash-admin %2</source>
        <translation>%1
Uso: carwash-admin %2</translation>
    </message>
    <message>
        <source>settings [get KEY | set KEY VALUE]</source>
        <translation>settings [get CLAVE | set CLAVE VALOR]</translation>
    </message>
    <message>
        <source>Usage: carwash-admin %1</source>
        <translation>Uso: carwash-admin %1</translation>
    </message>
    <message>
        <source>(default) </source>
        <translation>(predeterminado) </translation>
    </message>
    <message>
        <source>%1 is now %2.</source>
        <translation>%1 vale ahora %2.</translation>
    </message>
    <message>
        <source>hours [set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed]</source>
        <translation>hours [set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed]</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a day of the week. Accepted: mon, tue, wed, thu, fri, sat, sun.</source>
        <translation>«%1» no es un día de la semana. Se aceptan: mon, tue, wed, thu, fri, sat, sun.</translation>
    </message>
    <message>
        <source>closure add YYYY-MM-DD [--to YYYY-MM-DD] [--reason TEXT] | closure list | closure remove ID</source>
        <translation>closure add AAAA-MM-DD [--to AAAA-MM-DD] [--reason TEXTO] | closure list | closure remove ID</translation>
    </message>
    <message>
        <source>last closed day</source>
        <translation>último día cerrado</translation>
    </message>
    <message>
        <source>why</source>
        <translation>motivo</translation>
    </message>
    <message>
        <source>--to and --reason go with closure add. Usage: carwash-admin %1</source>
        <translation>--to y --reason van con closure add. Uso: carwash-admin %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date. Accepted: YYYY-MM-DD, for example 2025-12-25.</source>
        <translation>«%1» no es una fecha. Se acepta: AAAA-MM-DD, por ejemplo 2025-12-25.</translation>
    </message>
    <message>
        <source>--to &quot;%1&quot; is not a date. Accepted: YYYY-MM-DD, for example 2025-12-26.</source>
        <translation>--to «%1» no es una fecha. Se acepta: AAAA-MM-DD, por ejemplo 2025-12-26.</translation>
    </message>
    <message>
        <source>--to %1 is before %2; a closure ends on or after the day it starts.</source>
        <translation>--to %1 es anterior a %2; un cierre termina el mismo día en que empieza o después.</translation>
    </message>
    <message>
        <source>closure remove needs a numeric closure ID (see closure list), not &quot;%1&quot;.</source>
        <translation>closure remove necesita el ID numérico de un cierre (véase closure list), no «%1».</translation>
    </message>
    <message>
        <source>No closures.</source>
        <translation>No hay cierres.</translation>
    </message>
    <message>
        <source>Closure %1 added: closed %2 to %3.</source>
        <translation>Cierre %1 añadido: cerrado del %2 al %3.</translation>
    </message>
    <message>
        <source>Closure %1 removed.</source>
        <translation>Cierre %1 eliminado.</translation>
    </message>
    <message>
        <source>wash package</source>
        <translation>paquete de lavado</translation>
    </message>
    <message>
        <source>car, suv or truck</source>
        <translation>car, suv o truck</translation>
    </message>
    <message>
        <source>add-on, repeatable</source>
        <translation>extra; se puede repetir</translation>
    </message>
    <message>
        <source>one bay only</source>
        <translation>solo un box</translation>
    </message>
    <message>
        <source>local day</source>
        <translation>día local</translation>
    </message>
    <message>
        <source>availability --date YYYY-MM-DD --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID] [--json]</source>
        <translation>availability --date AAAA-MM-DD --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID] [--json]</translation>
    </message>
    <message>
        <source>--date YYYY-MM-DD is required.</source>
        <translation>--date AAAA-MM-DD es obligatorio.</translation>
    </message>
    <message>
        <source>--date takes YYYY-MM-DD (for example 2025-06-11), not &quot;%1&quot;.</source>
        <translation>--date requiere AAAA-MM-DD (por ejemplo 2025-06-11), no «%1».</translation>
    </message>
    <message>
        <source>Unexpected &quot;%1&quot;.</source>
        <translation>No se esperaba «%1».</translation>
    </message>
    <message>
        <source>No free start times on %1.</source>
        <translation>No hay horas de inicio libres el %1.</translation>
    </message>
    <message>
        <source>next --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID] [--json]</source>
        <translation>next --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID] [--json]</translation>
    </message>
    <message>
        <source>No free start within the booking horizon (closed, fully booked, or no bay offers this service).</source>
        <translation>No hay ningún inicio libre dentro del plazo de reserva (cerrado, completo o ningún box ofrece este servicio).</translation>
    </message>
    <message>
        <source>Booking %1, code %2 (%3)</source>
        <translation>Reserva %1, código %2 (%3)</translation>
    </message>
    <message>
        <source>held until %1</source>
        <translation>retenida hasta %1</translation>
    </message>
    <message>
        <source>start</source>
        <translation>inicio</translation>
    </message>
    <message>
        <source>licence plate</source>
        <translation>matrícula</translation>
    </message>
    <message>
        <source>customer name</source>
        <translation>nombre del cliente</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>teléfono</translation>
    </message>
    <message>
        <source>e-mail</source>
        <translation>correo electrónico</translation>
    </message>
    <message>
        <source>hold until paid</source>
        <translation>retener hasta el pago</translation>
    </message>
    <message>
        <source>retry key</source>
        <translation>clave de reintento</translation>
    </message>
    <message>
        <source>book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck] [--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K] [--json]</source>
        <translation>book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck] [--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K] [--json]</translation>
    </message>
    <message>
        <source>--%1 may be given once.</source>
        <translation>--%1 solo se puede indicar una vez.</translation>
    </message>
    <message>
        <source>Unexpected &quot;%1&quot; (quote values that contain spaces).</source>
        <translation>No se esperaba «%1» (ponga entre comillas los valores con espacios).</translation>
    </message>
    <message>
        <source>No other free start on that day or the next.</source>
        <translation>No hay otro inicio libre ese día ni el siguiente.</translation>
    </message>
    <message>
        <source>Free instead:</source>
        <translation>Libre en su lugar:</translation>
    </message>
    <message>
        <source>bookings --date YYYY-MM-DD [--json]</source>
        <translation>bookings --date AAAA-MM-DD [--json]</translation>
    </message>
    <message>
        <source>bookings needs --date YYYY-MM-DD (for example 2025-06-11), not &quot;%1&quot;.</source>
        <translation>bookings necesita --date AAAA-MM-DD (por ejemplo 2025-06-11), no «%1».</translation>
    </message>
    <message>
        <source>No bookings on %1.</source>
        <translation>No hay reservas el %1.</translation>
    </message>
    <message>
        <source>booking ID|CODE [--json] | booking status ID|CODE STATUS [--reason TEXT]</source>
        <translation>booking ID|CÓDIGO [--json] | booking status ID|CÓDIGO ESTADO [--reason TEXTO]</translation>
    </message>
    <message>
        <source>--reason goes with booking status. Usage: carwash-admin %1</source>
        <translation>--reason va con booking status. Uso: carwash-admin %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is neither a booking ID (a number) nor a confirmation code (6 letters and digits).</source>
        <translation>«%1» no es ni un ID de reserva (un número) ni un código de confirmación (6 letras y cifras).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a booking status. Statuses: %2.</source>
        <translation>«%1» no es un estado de reserva. Estados: %2.</translation>
    </message>
    <message>
        <source>There is no booking with ID or code &quot;%1&quot;.</source>
        <translation>No hay ninguna reserva con el ID o código «%1».</translation>
    </message>
    <message>
        <source>Usage: carwash-admin %1 (a plate, a phone number or part of a name; quote spaces)</source>
        <translation>Uso: carwash-admin %1 (una matrícula, un número de teléfono o parte de un nombre; entre comillas si hay espacios)</translation>
    </message>
    <message numerus="yes">
        <source>%n completed visit(s)</source>
        <translation>
            <numerusform>%n visita completada</numerusform>
            <numerusform>%n visitas completadas</numerusform>
        </translation>
    </message>
    <message>
        <source>No customer matches &quot;%1&quot;.</source>
        <translation>Ningún cliente coincide con «%1».</translation>
    </message>
    <message>
        <source>seed --demo | seed --demo-day [--date YYYY-MM-DD] [--json]</source>
        <translation>seed --demo | seed --demo-day [--date AAAA-MM-DD] [--json]</translation>
    </message>
    <message>
        <source>seed needs --demo (a demo car wash in an empty database) or --demo-day (a day of demo bookings).</source>
        <translation>seed necesita --demo (un autolavado de demostración en una base de datos vacía) o --demo-day (un día de reservas de demostración).</translation>
    </message>
    <message>
        <source>--date goes with --demo-day and takes YYYY-MM-DD (for example 2025-06-11), not &quot;%1&quot;.</source>
        <translation>--date va con --demo-day y admite AAAA-MM-DD (por ejemplo 2025-06-11), no «%1».</translation>
    </message>
    <message>
        <source>The car wash is closed on %1; no demo bookings were made.</source>
        <translation>El autolavado está cerrado el %1; no se crearon reservas de demostración.</translation>
    </message>
    <message>
        <source>%1 already has demo bookings; nothing was changed.</source>
        <translation>%1 ya tiene reservas de demostración; no se ha cambiado nada.</translation>
    </message>
    <message numerus="yes">
        <source>%n demo booking(s) made for %1.</source>
        <translation>
            <numerusform>%n reserva de demostración creada para %1.</numerusform>
            <numerusform>%n reservas de demostración creadas para %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>only when no run started in the last 24 hours</source>
        <translation>solo si no empezó ninguna ejecución en las últimas 24 horas</translation>
    </message>
    <message>
        <source>rows per DELETE</source>
        <translation>filas por DELETE</translation>
    </message>
    <message>
        <source>--batch-size must be a whole number from 1 to 100000, not &quot;%1&quot;.</source>
        <translation>--batch-size debe ser un número entero de 1 a 100000, no «%1».</translation>
    </message>
    <message>
        <source>Maintenance already ran at %1 (%2); nothing was done.</source>
        <translation>El mantenimiento ya se ejecutó el %1 (%2); no se hizo nada.</translation>
    </message>
    <message>
        <source>%1: removed %2 rows older than %3 days (%4 batches)</source>
        <translation>%1: se eliminaron %2 filas de más de %3 días (%4 lotes)</translation>
    </message>
    <message>
        <source>Processes: none is publishing its health.</source>
        <translation>Procesos: ninguno publica su estado.</translation>
    </message>
    <message>
        <source>Processes: %1 live, %2 lost</source>
        <translation>Procesos: %1 activos, %2 perdidos</translation>
    </message>
    <message>
        <source>  %1 on %2, pid %3, since %4: %5</source>
        <translation>  %1 en %2, pid %3, desde %4: %5</translation>
    </message>
    <message>
        <source>LOST</source>
        <translation>PERDIDO</translation>
    </message>
    <message>
        <source>    last seen %1 s ago; it stopped publishing without signing off</source>
        <translation>    visto por última vez hace %1 s; dejó de publicar sin despedirse</translation>
    </message>
    <message>
        <source>    pool %1 of %2 in use (%3 %), %4 waiting; queries %5 ms on average, %6 % errors; seen %7 s ago</source>
        <translation>    pool: %1 de %2 en uso (%3 %), %4 en espera; consultas: %5 ms de media, %6 % de errores; visto hace %7 s</translation>
    </message>
    <message>
        <source>staff list [--json] | staff reset-pin NAME [--json]</source>
        <translation>staff list [--json] | staff reset-pin NOMBRE [--json]</translation>
    </message>
    <message>
        <source>Usage: carwash-admin %1 (quote a name that contains spaces)</source>
        <translation>Uso: carwash-admin %1 (ponga entre comillas un nombre con espacios)</translation>
    </message>
    <message>
        <source>active</source>
        <translation>activo</translation>
    </message>
    <message>
        <source>no longer active</source>
        <translation>ya no está activo</translation>
    </message>
    <message>
        <source>locked for %1 s</source>
        <translation>bloqueado durante %1 s</translation>
    </message>
    <message>
        <source>No staff yet. Run: carwash-admin seed --demo</source>
        <translation>Todavía no hay personal. Ejecute: carwash-admin seed --demo</translation>
    </message>
    <message>
        <source>No one on the staff list is called &quot;%1&quot; (see: carwash-admin staff list).</source>
        <translation>Nadie en la lista del personal se llama «%1» (véase: carwash-admin staff list).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; matches %2: give the whole name; nothing was changed.</source>
        <translation>«%1» coincide con %2: indique el nombre completo; no se ha cambiado nada.</translation>
    </message>
    <message>
        <source>New PIN for %1 (%2): %3</source>
        <translation>PIN nuevo para %1 (%2): %3</translation>
    </message>
    <message>
        <source>It is shown only this once; any lock-out is lifted.</source>
        <translation>Solo se muestra esta vez; se levanta cualquier bloqueo.</translation>
    </message>
    <message>
        <source>payment checkout ID|CODE [--wait SECONDS] [--json] | payment show ID|CODE [--json] | payment refund ID|CODE [--amount 12.50] [--reason TEXT] [--wait SECONDS] [--json] | payment reconcile [--wait SECONDS] [--json]</source>
        <translation>payment checkout ID|CÓDIGO [--wait SEGUNDOS] [--json] | payment show ID|CÓDIGO [--json] | payment refund ID|CÓDIGO [--amount 12.50] [--reason TEXTO] [--wait SEGUNDOS] [--json] | payment reconcile [--wait SEGUNDOS] [--json]</translation>
    </message>
    <message>
        <source>in the currency&apos;s units</source>
        <translation>en unidades de la moneda</translation>
    </message>
    <message>
        <source>seconds to wait for carwash-server</source>
        <translation>segundos de espera a carwash-server</translation>
    </message>
    <message>
        <source>--amount and --reason go with payment refund. Usage: carwash-admin %1</source>
        <translation>--amount y --reason van con payment refund. Uso: carwash-admin %1</translation>
    </message>
    <message>
        <source>--wait takes whole seconds from 1 to 600, not &quot;%1&quot;.</source>
        <translation>--wait admite segundos enteros de 1 a 600, no «%1».</translation>
    </message>
    <message>
        <source>--amount must be more than nothing, such as 12.50.</source>
        <translation>--amount debe ser más que nada, por ejemplo 12.50.</translation>
    </message>
    <message>
        <source>Payment request %1 is gone.</source>
        <translation>La solicitud de pago %1 ya no existe.</translation>
    </message>
    <message>
        <source>The payment server could not do it: %1</source>
        <translation>El servidor de pagos no pudo hacerlo: %1</translation>
    </message>
    <message>
        <source>No carwash-server answering: request %1 got no answer within %2 s. It stays queued and is carried out when a server picks it up; check carwash-admin health.</source>
        <translation>Ningún carwash-server responde: la solicitud %1 no tuvo respuesta en %2 s. Sigue en cola y se realizará cuando un servidor la recoja; compruebe carwash-admin health.</translation>
    </message>
    <message>
        <source>The payment server answered without a Checkout link for payment %1.</source>
        <translation>El servidor de pagos respondió sin enlace de Checkout para el pago %1.</translation>
    </message>
    <message>
        <source>Checkout for booking %1: %2, payment %3 (%4)</source>
        <translation>Checkout de la reserva %1: %2, pago %3 (%4)</translation>
    </message>
    <message>
        <source>session %1, open until %2</source>
        <translation>sesión %1, abierta hasta %2</translation>
    </message>
    <message>
        <source>refunded %1</source>
        <translation>reembolsado %1</translation>
    </message>
    <message>
        <source>paid %1</source>
        <translation>pagado %1</translation>
    </message>
    <message>
        <source>needs attention: %1</source>
        <translation>requiere atención: %1</translation>
    </message>
    <message>
        <source>Booking %1 has no payments.</source>
        <translation>La reserva %1 no tiene pagos.</translation>
    </message>
    <message>
        <source>%1 Nothing was refunded: the refund goes to a card.</source>
        <translation>%1 No se reembolsó nada: el reembolso va a una tarjeta.</translation>
    </message>
    <message>
        <source>Refund %1: %2 %3 of payment %4 (%5)</source>
        <translation>Reembolso %1: %2 %3 del pago %4 (%5)</translation>
    </message>
    <message>
        <source>in cash</source>
        <translation>en efectivo</translation>
    </message>
    <message>
        <source>to the card</source>
        <translation>a la tarjeta</translation>
    </message>
    <message>
        <source>Reconciled (request %1).</source>
        <translation>Conciliado (solicitud %1).</translation>
    </message>
    <message>
        <source>reader list [--json] | reader add READER_ID --label L [--desk NAME|--kiosk NAME] [--json] | reader remove READER_ID</source>
        <translation>reader list [--json] | reader add ID_LECTOR --label L [--desk NOMBRE|--kiosk NOMBRE] [--json] | reader remove ID_LECTOR</translation>
    </message>
    <message>
        <source>what people call it</source>
        <translation>cómo lo llama la gente</translation>
    </message>
    <message>
        <source>the desk it serves</source>
        <translation>el mostrador al que sirve</translation>
    </message>
    <message>
        <source>the kiosk it serves</source>
        <translation>el quiosco al que sirve</translation>
    </message>
    <message>
        <source>--label is required: what people call the reader.</source>
        <translation>--label es obligatorio: cómo se llama el lector.</translation>
    </message>
    <message>
        <source>A reader serves one desk or one kiosk: give --desk or --kiosk, not both.</source>
        <translation>Un lector sirve a un mostrador o a un quiosco: indique --desk o --kiosk, no ambos.</translation>
    </message>
    <message>
        <source>not assigned</source>
        <translation>sin asignar</translation>
    </message>
    <message>
        <source>No card readers yet. Add one: carwash-admin reader add tmr_… --label &quot;Front desk&quot; --desk NAME</source>
        <translation>Aún no hay lectores de tarjetas. Añada uno: carwash-admin reader add tmr_… --label &quot;Recepción&quot; --desk NOMBRE</translation>
    </message>
    <message>
        <source>Reader %1 (%2) added.</source>
        <translation>Lector %1 (%2) añadido.</translation>
    </message>
    <message>
        <source>Reader %1 removed.</source>
        <translation>Lector %1 eliminado.</translation>
    </message>
    <message>
        <source>takings --date YYYY-MM-DD [--json|--csv]</source>
        <translation>takings --date AAAA-MM-DD [--json|--csv]</translation>
    </message>
    <message>
        <source>CSV (RFC 4180)</source>
        <translation>CSV (RFC 4180)</translation>
    </message>
    <message>
        <source>Choose --json or --csv, not both.</source>
        <translation>Elija --json o --csv, no ambos.</translation>
    </message>
    <message>
        <source>Takings of %1 (%2)</source>
        <translation>Ingresos del %1 (%2)</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>Efectivo</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Tarjeta</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>%1: %2 (tax %3) in %4; %5 back in %6; net %7</source>
        <translation>%1: %2 (impuesto %3) en %4; %5 devuelto en %6; neto %7</translation>
    </message>
    <message numerus="yes">
        <source>%n payment(s)</source>
        <translation>
            <numerusform>%n pago</numerusform>
            <numerusform>%n pagos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n refund(s)</source>
        <translation>
            <numerusform>%n reembolso</numerusform>
            <numerusform>%n reembolsos</numerusform>
        </translation>
    </message>
    <message>
        <source>Reader %1 (%2) added for the %3.</source>
        <translation>Lector %1 (%2) añadido para el %3.</translation>
    </message>
    <message>
        <source>%1 &quot;%2&quot;</source>
        <translation>%1 «%2»</translation>
    </message>
    <message>
        <source>no reader</source>
        <translation>sin lector</translation>
    </message>
    <message>
        <source>kiosk list [--json] | kiosk set NAME [--reader READER_ID|--no-reader] [--language en|es|de] [--methods reader,phone,desk] [--json]</source>
        <translation>kiosk list [--json] | kiosk set NOMBRE [--reader ID_LECTOR|--no-reader] [--language en|es|de] [--methods reader,phone,desk] [--json]</translation>
    </message>
    <message>
        <source>the kiosk&apos;s card reader</source>
        <translation>el lector de tarjetas del quiosco</translation>
    </message>
    <message>
        <source>the kiosk has no reader</source>
        <translation>el quiosco no tiene lector</translation>
    </message>
    <message>
        <source>the language it greets customers in</source>
        <translation>el idioma en que saluda a los clientes</translation>
    </message>
    <message>
        <source>the ways of paying it offers, separated by commas</source>
        <translation>las formas de pago que ofrece, separadas por comas</translation>
    </message>
    <message>
        <source>Give --reader READER_ID or --no-reader, not both.</source>
        <translation>Indique --reader ID_LECTOR o --no-reader, no ambos.</translation>
    </message>
    <message>
        <source>--reader needs a reader ID such as tmr_FDOt2wlRZEdpd7; --no-reader leaves the kiosk without one.</source>
        <translation>--reader necesita un ID de lector como tmr_FDOt2wlRZEdpd7; --no-reader deja el quiosco sin lector.</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en marcha</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>parado</translation>
    </message>
    <message>
        <source>No kiosks yet. A kiosk adds itself when it first starts (carwash --kiosk), or: carwash-admin kiosk set NAME</source>
        <translation>Aún no hay quioscos. Un quiosco se añade solo al arrancar por primera vez (carwash --kiosk), o: carwash-admin kiosk set NOMBRE</translation>
    </message>
    <message>
        <source>Kiosk %1: language %2, pays by %3, %4.</source>
        <translation>Quiosco %1: idioma %2, pago con %3, %4.</translation>
    </message>
    <message>
        <source>Customer %1 was forgotten before; nothing personal was left to erase.</source>
        <translation>El cliente %1 ya se había olvidado; no quedaban datos personales que borrar.</translation>
    </message>
    <message>
        <source>Customer %1 forgotten: name, phone, e-mail and plates erased; bookings and payments kept for the books.</source>
        <translation>Cliente %1 olvidado: nombre, teléfono, correo y matrículas borrados; las reservas y los pagos se conservan para la contabilidad.</translation>
    </message>
    <message>
        <source>vehicles anonymised: %1</source>
        <translation>vehículos anonimizados: %1</translation>
    </message>
    <message>
        <source>bookings anonymised: %1</source>
        <translation>reservas anonimizadas: %1</translation>
    </message>
    <message>
        <source>payments kept: %1</source>
        <translation>pagos conservados: %1</translation>
    </message>
    <message>
        <source>Stripe events cleared of the payer&apos;s details: %1</source>
        <translation>eventos de Stripe sin los datos del pagador: %1</translation>
    </message>
    <message>
        <source>reasons typed by staff with their details blanked: %1</source>
        <translation>motivos escritos por el personal con sus datos tachados: %1</translation>
    </message>
    <message>
        <source>customer find TEXT [--json] | customer forget ID|PHONE|EMAIL [--dry-run] [--json]</source>
        <translation>customer find TEXT [--json] | customer forget ID|PHONE|EMAIL [--dry-run] [--json]</translation>
    </message>
    <message>
        <source>show who would be forgotten, change nothing</source>
        <translation>mostrar a quién se olvidaría, sin cambiar nada</translation>
    </message>
    <message>
        <source>Usage: carwash-admin customer forget ID|PHONE|EMAIL [--dry-run] (one customer ID, phone number or e-mail address; quote spaces)</source>
        <translation>Uso: carwash-admin customer forget ID|PHONE|EMAIL [--dry-run] (un ID de cliente, un número de teléfono o una dirección de correo; entre comillas si hay espacios)</translation>
    </message>
    <message>
        <source>--dry-run goes with customer forget. Usage: carwash-admin %1</source>
        <translation>--dry-run va con customer forget. Uso: carwash-admin %1</translation>
    </message>
    <message>
        <source>Customer %1 would be forgotten: name, phone, e-mail and plates erased; bookings and payments kept for the books.</source>
        <translation>El cliente %1 se olvidaría: nombre, teléfono, correo y matrículas borrados; las reservas y los pagos se conservarían para la contabilidad.</translation>
    </message>
    <message>
        <source>Dry run: nothing was changed. Run it again without --dry-run to forget.</source>
        <translation>Prueba: no se ha cambiado nada. Vuelva a ejecutarlo sin --dry-run para olvidar.</translation>
    </message>
    <message>
        <source>the archive to write</source>
        <translation>el archivo que se escribe</translation>
    </message>
    <message>
        <source>backup takes no file name of its own; name it with --to FILE. Usage: carwash-admin %1</source>
        <translation>backup no lleva nombre de archivo propio; indíquelo con --to FILE. Uso: carwash-admin %1</translation>
    </message>
    <message>
        <source>--to needs a file name.</source>
        <translation>--to necesita un nombre de archivo.</translation>
    </message>
    <message>
        <source>--to: %1 exists already; choose another file name.</source>
        <translation>--to: %1 ya existe; elija otro nombre de archivo.</translation>
    </message>
    <message>
        <source>Backed up %1 (schema %2) to %3 (%4, SHA-256 %5).</source>
        <translation>Copia de seguridad de %1 (esquema %2) en %3 (%4, SHA-256 %5).</translation>
    </message>
    <message numerus="yes">
        <source>The database %1 holds %n booking(s); restoring replaces everything in it.</source>
        <translation>
            <numerusform>La base de datos %1 tiene %n reserva; restaurar reemplaza todo su contenido.</numerusform>
            <numerusform>La base de datos %1 tiene %n reservas; restaurar reemplaza todo su contenido.</numerusform>
        </translation>
    </message>
    <message>
        <source>Type yes to replace it: </source>
        <translation>Escriba yes para reemplazarla: </translation>
    </message>
    <message>
        <source>yes</source>
        <translation>sí</translation>
    </message>
    <message>
        <source>replace a database that holds bookings</source>
        <translation>reemplazar una base de datos que tiene reservas</translation>
    </message>
    <message>
        <source>do not ask before replacing</source>
        <translation>no preguntar antes de reemplazar</translation>
    </message>
    <message>
        <source>restore needs one backup file. Usage: carwash-admin %1</source>
        <translation>restore necesita un archivo de copia de seguridad. Uso: carwash-admin %1</translation>
    </message>
    <message>
        <source>--yes goes with --replace. Usage: carwash-admin %1</source>
        <translation>--yes va con --replace. Uso: carwash-admin %1</translation>
    </message>
    <message>
        <source>The backup was made by a newer version of CarWash Desk (schema %1; this program knows up to %2). Install that version or a newer one and restore with its carwash-admin; nothing was changed.</source>
        <translation>La copia de seguridad la hizo una versión más nueva de CarWash Desk (esquema %1; este programa conoce hasta %2). Instale esa versión u otra más nueva y restaure con su carwash-admin; no se cambió nada.</translation>
    </message>
    <message numerus="yes">
        <source>The database %1 holds %n booking(s); nothing was changed. To replace it with the backup, run again with --replace.</source>
        <translation>
            <numerusform>La base de datos %1 tiene %n reserva; no se cambió nada. Para reemplazarla con la copia de seguridad, ejecute de nuevo con --replace.</numerusform>
            <numerusform>La base de datos %1 tiene %n reservas; no se cambió nada. Para reemplazarla con la copia de seguridad, ejecute de nuevo con --replace.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not confirmed; nothing was changed. (--yes confirms in a script.)</source>
        <translation>No confirmado; no se cambió nada. (--yes confirma en un script.)</translation>
    </message>
    <message>
        <source>Restored %1 (made %2, schema %3) into %4.</source>
        <translation>Restaurado %1 (hecho %2, esquema %3) en %4.</translation>
    </message>
    <message>
        <source>Migrations applied afterwards: %1</source>
        <translation>Migraciones aplicadas después: %1</translation>
    </message>
    <message>
        <source>
carwash-admin --version prints the version of CarWash Desk.
</source>
        <translation>
carwash-admin --version muestra la versión de CarWash Desk.
</translation>
    </message>
    <message>
        <source>Version: %1</source>
        <translation>Versión: %1</translation>
    </message>
    <message>
        <source>Usage: carwash-admin COMMAND [--json]

Commands:
  migrate            apply database migrations (also done at start-up)
  seed --demo        fill an empty database with a believable demo car wash
  seed --demo-day [--date YYYY-MM-DD]  a day of demo bookings (default today)
  health             every process&apos;s published health (lost ones too) and the database&apos;s
                     answer; the worst decides: exit 0 healthy, 1 degraded, 2 unhealthy
  services           list wash packages with prices per vehicle class
  service ID         one wash package; exit 3 when there is no such id
  config             the configuration in force and where each value came from
  db start|stop|status  the embedded database server (when no DATABASE_URL is set)
  maintenance [--if-due] [--batch-size N]
                     remove health snapshots, audit and payment-event rows older than
                     retention.*_days, in small batches; --if-due: only when not run today
  backup [--to FILE]  a pg_dump archive of the database with its manifest (FILE.json:
                     SHA-256, schema version, time); default: the backup.folder setting&apos;s folder
  restore FILE [--replace] [--yes]
                     check the archive, then restore it in one transaction and migrate;
                     a database with bookings only with --replace after typing yes (--yes
                     for scripts); exit 2 damaged or newer-schema archive, 1 refused

Site (one database for every program of a car wash):
  site init [--host SOCKET_FOLDER] [--port PORT] [--name NAME] [--allow USER]...
                     as root or postgres: make the role and database NAME (carwash) in this PC&apos;s
                     PostgreSQL (default /var/run/postgresql, 5432), migrate it, let each
                     USER&apos;s programs in, and write /etc/carwash-desk/database.conf (no
                     password); a second run changes nothing and says so
  site join postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE
                     use a site database elsewhere: checked, the password in your keychain,
                     the connection in database.conf (root) or your saved settings

Calendar:
  settings                        the booking settings in force
  settings get KEY | set KEY VALUE  site.timezone, booking.slot_minutes, booking.buffer_minutes,
                                  booking.min_notice_minutes, booking.horizon_days, booking.hold_minutes
  hours                           weekly opening hours
  hours set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed
  closure add YYYY-MM-DD [--to YYYY-MM-DD] [--reason TEXT]
  closure list | closure remove ID

Bookings:
  availability --date YYYY-MM-DD --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID]
                                  free start times of a local day, with the free bays
  next --service ID [--vehicle car|suv|truck] [--addon ID]...  the earliest free start from now
  book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck]
       [--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K]
                                  exit 0 booked, 2 invalid input, 3 slot taken, 4 database unavailable
  bookings --date YYYY-MM-DD      the bookings of a local day
  booking ID|CODE                 one booking
  booking status ID|CODE STATUS [--reason TEXT]
                                  held, confirmed, checked_in, in_progress, completed, cancelled,
                                  no_show, expired (only the lifecycle&apos;s next steps)
  customer find TEXT              by plate, phone or name, with visit history
  customer forget ID|PHONE|EMAIL [--dry-run]
                                  erase a customer&apos;s name, phone, e-mail and plates on request
                                  (every customer with that phone or e-mail); bookings and
                                  payments are kept for the books; exit 3 when none matches;
                                  a number alone is an ID, a phone has a + or separators

Staff:
  staff list                      everyone who may sign in, with role and state
  staff reset-pin NAME            a new PIN, printed once (a forgotten manager PIN);
                                  exit 3 unknown name, 2 several match

Payments (card work is done by carwash-server; exit 5 when none answers or Stripe refuses):
  payment checkout ID|CODE [--wait SECONDS]
                                  create or reuse the booking&apos;s Checkout link; prints payment_id,
                                  session_id, url, expires_at, amount_cents, currency, status
  payment show ID|CODE            the booking&apos;s payments
  payment refund ID|CODE [--amount 12.50] [--reason TEXT] [--wait SECONDS]
                                  default all that is left, the newest card payment first;
                                  cash at once, card through carwash-server
  payment reconcile [--wait SECONDS]  fetch pending card payments from Stripe once, now
  reader list | reader add READER_ID --label L [--desk NAME|--kiosk NAME] | reader remove READER_ID
                                  Stripe Terminal readers, at most one per desk or kiosk
  takings --date YYYY-MM-DD [--csv]  a local day&apos;s takings: cash, card, refunds, tax, net

Kiosks:
  kiosk list                      every kiosk: language, ways of paying, reader, running or not
  kiosk set NAME [--reader READER_ID|--no-reader] [--language en|es|de] [--methods reader,phone,desk]
                                  change a kiosk (made when missing); a reader serving another
                                  desk or kiosk is refused

Options:
  --json             machine-readable output

Database: DATABASE_URL=postgresql://user:pass@host:5432/db?connection_limit=5&amp;pool_timeout=10
(environment overrides: DB_MAX_CONNECTIONS, DB_POOL_TIMEOUT, DB_CONNECT_TIMEOUT,
DB_STATEMENT_TIMEOUT, ENABLE_DB_MONITORING, SLOW_QUERY_THRESHOLD, MAX_QUERY_HISTORY).
Without it, /etc/carwash-desk/database.conf (CARWASH_SITE_CONFIG) names the site database;
without both and saved settings, a private PostgreSQL server under your data folder is used.
</source>
        <translation>Uso: carwash-admin COMANDO [--json]

Comandos:
  migrate            aplica las migraciones de la base de datos (también se hace al arrancar)
  seed --demo        llena una base de datos vacía con un autolavado de demostración creíble
  seed --demo-day [--date AAAA-MM-DD]  un día de reservas de demostración (por defecto hoy)
  health             el estado publicado por cada proceso (también los perdidos) y la respuesta de
                     la base de datos; decide el peor: sale con 0 correcto, 1 degradado, 2 con fallos
  services           lista los paquetes de lavado con precios por clase de vehículo
  service ID         un paquete de lavado; sale con 3 si no existe ese ID
  config             la configuración vigente y de dónde viene cada valor
  db start|stop|status  el servidor de base de datos integrado (si no hay DATABASE_URL)
  maintenance [--if-due] [--batch-size N]
                     elimina instantáneas de estado, auditoría y eventos de pago más antiguos que
                     retention.*_days, en lotes pequeños; --if-due: solo si no se ejecutó hoy
  backup [--to FILE]  un archivo pg_dump de la base de datos con su manifiesto (FILE.json:
                     SHA-256, versión del esquema, hora); por defecto: la carpeta de backup.folder
  restore FILE [--replace] [--yes]
                     comprueba el archivo, lo restaura en una sola transacción y migra;
                     una base de datos con reservas solo con --replace tras escribir yes (--yes
                     para scripts); salida 2 archivo dañado o de un esquema más nuevo, 1 rechazado

Sede (una base de datos para todos los programas de un lavadero):
  site init [--host SOCKET_FOLDER] [--port PORT] [--name NAME] [--allow USER]...
                     como root o postgres: crea el rol y la base de datos NAME (carwash) en el
                     PostgreSQL de este PC (por defecto /var/run/postgresql, 5432), la migra, deja
                     entrar a los programas de cada USER y escribe /etc/carwash-desk/database.conf
                     (sin contraseña); una segunda ejecución no cambia nada y lo dice
  site join postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE
                     usar una base de datos de la sede en otro lugar: comprobada, la contraseña
                     en su llavero, la conexión en database.conf (root) o en sus ajustes

Calendario:
  settings                        los ajustes de reserva vigentes
  settings get CLAVE | set CLAVE VALOR
                                  site.timezone, booking.slot_minutes, booking.buffer_minutes,
                                  booking.min_notice_minutes, booking.horizon_days, booking.hold_minutes
  hours                           horario de apertura semanal
  hours set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed
  closure add AAAA-MM-DD [--to AAAA-MM-DD] [--reason TEXTO]
  closure list | closure remove ID

Reservas:
  availability --date AAAA-MM-DD --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID]
                                  horas de inicio libres de un día local, con los boxes libres
  next --service ID [--vehicle car|suv|truck] [--addon ID]...  el primer inicio libre a partir de ahora
  book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck]
       [--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K]
                                  sale con 0 reservado, 2 datos no válidos, 3 franja ocupada,
                                  4 base de datos no disponible
  bookings --date AAAA-MM-DD      las reservas de un día local
  booking ID|CÓDIGO               una reserva
  booking status ID|CÓDIGO ESTADO [--reason TEXTO]
                                  held, confirmed, checked_in, in_progress, completed, cancelled,
                                  no_show, expired (solo los pasos siguientes del ciclo de la reserva)
  customer find TEXTO             por matrícula, teléfono o nombre, con historial de visitas
  customer forget ID|PHONE|EMAIL [--dry-run]
                                  borrar a petición el nombre, teléfono, correo y matrículas de un cliente
                                  (todos los clientes con ese teléfono o correo); las reservas y los pagos
                                  se conservan para la contabilidad; código 3 si ninguno coincide;
                                  un número solo es un ID; un teléfono lleva + o separadores

Personal:
  staff list                      todas las personas que pueden iniciar sesión, con función y estado
  staff reset-pin NOMBRE          un PIN nuevo, que se muestra una sola vez (un PIN de gerente olvidado);
                                  sale con 3 si el nombre no existe, 2 si coinciden varios

Pagos (el trabajo con tarjetas lo hace carwash-server; sale con 5 si ninguno responde o Stripe lo rechaza):
  payment checkout ID|CÓDIGO [--wait SEGUNDOS]
                                  crea o reutiliza el enlace de Checkout de la reserva; muestra payment_id,
                                  session_id, url, expires_at, amount_cents, currency, status
  payment show ID|CÓDIGO          los pagos de la reserva
  payment refund ID|CÓDIGO [--amount 12.50] [--reason TEXTO] [--wait SEGUNDOS]
                                  por defecto todo lo que queda, primero el pago con tarjeta más reciente;
                                  efectivo al instante, tarjeta a través de carwash-server
  payment reconcile [--wait SEGUNDOS]  consulta una vez, ahora, a Stripe los pagos con tarjeta pendientes
  reader list | reader add ID_LECTOR --label L [--desk NOMBRE|--kiosk NOMBRE] | reader remove ID_LECTOR
                                  lectores de Stripe Terminal, como máximo uno por mostrador o quiosco
  takings --date AAAA-MM-DD [--csv]  los ingresos de un día local: efectivo, tarjeta, reembolsos, impuesto, neto

Quioscos:
  kiosk list                      cada quiosco: idioma, formas de pago, lector, en marcha o no
  kiosk set NOMBRE [--reader ID_LECTOR|--no-reader] [--language en|es|de] [--methods reader,phone,desk]
                                  cambiar un quiosco (se crea si falta); se rechaza un lector que
                                  sirve a otro mostrador o quiosco

Opciones:
  --json             salida legible por máquina

Base de datos: DATABASE_URL=postgresql://user:pass@host:5432/db?connection_limit=5&amp;pool_timeout=10
(la sustituyen las variables de entorno DB_MAX_CONNECTIONS, DB_POOL_TIMEOUT, DB_CONNECT_TIMEOUT,
DB_STATEMENT_TIMEOUT, ENABLE_DB_MONITORING, SLOW_QUERY_THRESHOLD y MAX_QUERY_HISTORY). Sin ella,
/etc/carwash-desk/database.conf (CARWASH_SITE_CONFIG) indica la base de datos de la sede; sin ambas
ni ajustes guardados, se usa un servidor PostgreSQL privado dentro de su carpeta de datos.
</translation>
    </message>
    <message>
        <source>There is no %1 user on this PC: is PostgreSQL installed (apt-get install postgresql)?</source>
        <translation>No hay ningún usuario %1 en este PC: ¿está instalado PostgreSQL (apt-get install postgresql)?</translation>
    </message>
    <message>
        <source>Could not act as the %1 user: %2</source>
        <translation>No se pudo actuar como el usuario %1: %2</translation>
    </message>
    <message>
        <source>Usage: carwash-admin site init [--host SOCKET_FOLDER] [--port PORT] [--name NAME] [--allow USER]... | site join postgresql://…</source>
        <translation>Uso: carwash-admin site init [--host SOCKET_FOLDER] [--port PORT] [--name NAME] [--allow USER]... | site join postgresql://…</translation>
    </message>
    <message>
        <source>%1 names another site database (%2); nothing was changed. Remove it first if this connection should replace it.</source>
        <translation>%1 indica otra base de datos de la sede (%2); no se cambió nada. Elimínelo primero si esta conexión debe sustituirla.</translation>
    </message>
    <message>
        <source>the folder of the cluster&apos;s unix socket</source>
        <translation>la carpeta del socket unix del clúster</translation>
    </message>
    <message>
        <source>the cluster&apos;s port</source>
        <translation>el puerto del clúster</translation>
    </message>
    <message>
        <source>a user of this PC whose programs may use the site database</source>
        <translation>un usuario de este PC cuyos programas pueden usar la base de datos de la sede</translation>
    </message>
    <message>
        <source>the role and database to make (default carwash)</source>
        <translation>el rol y la base de datos que se crean (por defecto carwash)</translation>
    </message>
    <message>
        <source>--host: &quot;%1&quot; is not a folder; site init reaches the cluster of this PC through its unix socket, e.g. /var/run/postgresql.</source>
        <translation>--host: &quot;%1&quot; no es una carpeta; site init llega al clúster de este PC por su socket unix, p. ej. /var/run/postgresql.</translation>
    </message>
    <message>
        <source>--port: &quot;%1&quot; is not valid; accepted: 1 to 65535.</source>
        <translation>--port: &quot;%1&quot; no es válido; se aceptan: 1 a 65535.</translation>
    </message>
    <message>
        <source>--name: &quot;%1&quot; is not valid; accepted: lower-case letters, digits and _, not starting with a digit, at most 63.</source>
        <translation>--name: &quot;%1&quot; no es válido; se aceptan: minúsculas, dígitos y _, sin empezar por un dígito, como mucho 63.</translation>
    </message>
    <message>
        <source>--allow: &quot;%1&quot; is not a desk user&apos;s name.</source>
        <translation>--allow: &quot;%1&quot; no es el nombre de un usuario del mostrador.</translation>
    </message>
    <message>
        <source>site init makes a role and a database in PostgreSQL and writes %1: run it as root (sudo carwash-admin site init) or as the %2 user.</source>
        <translation>site init crea un rol y una base de datos en PostgreSQL y escribe %1: ejecútelo como root (sudo carwash-admin site init) o como el usuario %2.</translation>
    </message>
    <message>
        <source>The site database is ready, but %1 Run site init again as root.</source>
        <translation>La base de datos de la sede está lista, pero: %1 Ejecute site init de nuevo como root.</translation>
    </message>
    <message>
        <source>The site database is set up already (%1, named in %2); nothing was changed.</source>
        <translation>La base de datos de la sede ya está preparada (%1, indicada en %2); no se cambió nada.</translation>
    </message>
    <message>
        <source>Made the role %1.</source>
        <translation>Rol %1 creado.</translation>
    </message>
    <message>
        <source>The role %1 was there.</source>
        <translation>El rol %1 ya existía.</translation>
    </message>
    <message>
        <source>Made the database %1.</source>
        <translation>Base de datos %1 creada.</translation>
    </message>
    <message>
        <source>The database %1 was there.</source>
        <translation>La base de datos %1 ya existía.</translation>
    </message>
    <message>
        <source>Let %1 in.</source>
        <translation>%1 puede entrar.</translation>
    </message>
    <message>
        <source>%1 was let in already.</source>
        <translation>%1 ya podía entrar.</translation>
    </message>
    <message>
        <source>Wrote %1: %2</source>
        <translation>Escrito %1: %2</translation>
    </message>
    <message>
        <source>%1 names it already: %2</source>
        <translation>%1 ya la indica: %2</translation>
    </message>
    <message>
        <source>site join needs the site database&apos;s URL. Usage: carwash-admin %1</source>
        <translation>site join necesita la URL de la base de datos de la sede. Uso: carwash-admin %1</translation>
    </message>
    <message>
        <source>The password could not be saved in the keychain (%1); nothing was changed. Unlock the keychain (or start one in this session) and join again.</source>
        <translation>No se pudo guardar la contraseña en el llavero (%1); no se cambió nada. Desbloquee el llavero (o inicie uno en esta sesión) y vuelva a unirse.</translation>
    </message>
    <message>
        <source>The settings could not be written to %1.</source>
        <translation>No se pudieron escribir los ajustes en %1.</translation>
    </message>
    <message>
        <source>Connected to PostgreSQL %1; the site database is %2.</source>
        <translation>Conectado a PostgreSQL %1; la base de datos de la sede es %2.</translation>
    </message>
    <message>
        <source>Wrote it to %1.</source>
        <translation>Escrita en %1.</translation>
    </message>
    <message>
        <source>The password is in your keychain.</source>
        <translation>La contraseña está en su llavero.</translation>
    </message>
    <message>
        <source>The password was not stored: each user of this PC saves it in their own keychain with carwash-admin site join URL (as themselves) or in the desk&apos;s database settings.</source>
        <translation>La contraseña no se guardó: cada usuario de este PC la guarda en su propio llavero con carwash-admin site join URL (como sí mismo) o en los ajustes de base de datos del mostrador.</translation>
    </message>
    <message>
        <source>Note: %1 names the site database for every program of this PC and comes before your settings; to change it, run site join with sudo.</source>
        <translation>Nota: %1 indica la base de datos de la sede para todos los programas de este PC y tiene prioridad sobre sus ajustes; para cambiarla, ejecute site join con sudo.</translation>
    </message>
</context>
<context>
    <name>ApiAnswers</name>
    <message numerus="yes">
        <source>%n field(s) need attention.</source>
        <translation>
            <numerusform>%n campo necesita atención.</numerusform>
            <numerusform>%n campos necesitan atención.</numerusform>
        </translation>
    </message>
    <message>
        <source>Bookings cannot be reached at the moment; please try again in a few seconds.</source>
        <translation>Las reservas no están disponibles en este momento; vuelva a intentarlo en unos segundos.</translation>
    </message>
    <message>
        <source>Something went wrong on our side; please try again later or call the car wash.</source>
        <translation>Algo salió mal por nuestra parte; vuelva a intentarlo más tarde o llame al lavadero.</translation>
    </message>
</context>
<context>
    <name>AttendantCallBanner</name>
    <message>
        <source>Kiosks calling for an attendant</source>
        <translation>Quioscos que llaman a un empleado</translation>
    </message>
    <message>
        <source>Kiosk %1 needs an attendant, %2</source>
        <translation>El quiosco %1 necesita un empleado, %2</translation>
    </message>
    <message>
        <source>Kiosk %1 needs an attendant — %2, %3</source>
        <translation>El quiosco %1 necesita un empleado — %2, %3</translation>
    </message>
    <message>
        <source>I&apos;m going</source>
        <translation>Voy yo</translation>
    </message>
    <message>
        <source>I&apos;m going to kiosk %1</source>
        <translation>Voy al quiosco %1</translation>
    </message>
    <message>
        <source>The kiosk&apos;s call could not be answered.</source>
        <translation>No se pudo atender la llamada del quiosco.</translation>
    </message>
</context>
<context>
    <name>AttractScreen</name>
    <message>
        <source>Book and pay your car wash here</source>
        <translation>Reserve y pague aquí su lavado</translation>
    </message>
    <message>
        <source>Touch to start</source>
        <translation>Toque para empezar</translation>
    </message>
    <message>
        <source>Choose a wash, a time and pay by card.</source>
        <translation>Elija un lavado y una hora, y pague con tarjeta.</translation>
    </message>
    <message>
        <source>Loading the washes…</source>
        <translation>Cargando los lavados…</translation>
    </message>
    <message>
        <source>%1 from %2</source>
        <translation>%1 desde %2</translation>
    </message>
    <message>
        <source>Next free time: %1</source>
        <translation>Próxima hora libre: %1</translation>
    </message>
    <message>
        <source>No free time left today.</source>
        <translation>Hoy no quedan horas libres.</translation>
    </message>
    <message>
        <source>No wash can be booked here right now. Please see the desk.</source>
        <translation>Aquí no se puede reservar ningún lavado en este momento. Por favor, acuda al mostrador.</translation>
    </message>
</context>
<context>
    <name>BackupAlert</name>
    <message numerus="yes">
        <source>The last backup of this computer&apos;s database was made on %1, more than %n day(s) ago.</source>
        <translation>
            <numerusform>La última copia de seguridad de la base de datos de este ordenador se hizo el %1, hace más de %n día.</numerusform>
            <numerusform>La última copia de seguridad de la base de datos de este ordenador se hizo el %1, hace más de %n días.</numerusform>
        </translation>
    </message>
    <message>
        <source>This computer&apos;s database has no backup yet.</source>
        <translation>La base de datos de este ordenador aún no tiene copia de seguridad.</translation>
    </message>
    <message>
        <source>A manager can open Manage, Backups and choose Back up now; check that the backup folder&apos;s disk is connected.</source>
        <translation>Un gerente puede abrir Gestionar, Copias de seguridad y elegir Copiar ahora; compruebe que el disco de la carpeta de copias está conectado.</translation>
    </message>
</context>
<context>
    <name>BackupJob</name>
    <message>
        <source>%1 exists already; choose another file name.</source>
        <translation>%1 ya existe; elija otro nombre de archivo.</translation>
    </message>
    <message>
        <source>The backup folder %1 cannot be made; check that the disk is there and writable.</source>
        <translation>No se puede crear la carpeta de copias %1; compruebe que el disco está conectado y se puede escribir.</translation>
    </message>
    <message>
        <source>The backup could not be made: pg_dump failed.</source>
        <translation>No se pudo hacer la copia de seguridad: pg_dump falló.</translation>
    </message>
    <message>
        <source>The backup could not be made: the archive written cannot be read back.</source>
        <translation>No se pudo hacer la copia de seguridad: el archivo escrito no se puede volver a leer.</translation>
    </message>
    <message>
        <source>The backup could not be made: %1 cannot be written.</source>
        <translation>No se pudo hacer la copia de seguridad: no se puede escribir %1.</translation>
    </message>
    <message>
        <source>There is no backup at %1.</source>
        <translation>No hay ninguna copia de seguridad en %1.</translation>
    </message>
    <message>
        <source>%1 has no manifest next to it (%2): it is not a finished CarWash Desk backup.</source>
        <translation>%1 no tiene manifiesto al lado (%2): no es una copia de seguridad terminada de CarWash Desk.</translation>
    </message>
    <message>
        <source>The manifest %1 describes another archive (%2).</source>
        <translation>El manifiesto %1 describe otro archivo (%2).</translation>
    </message>
    <message>
        <source>The backup %1 is damaged or incomplete (its checksum does not match); restore another backup.</source>
        <translation>La copia de seguridad %1 está dañada o incompleta (su suma de comprobación no coincide); restaure otra copia.</translation>
    </message>
    <message>
        <source>The backup %1 cannot be read by pg_restore; restore another backup.</source>
        <translation>pg_restore no puede leer la copia de seguridad %1; restaure otra copia.</translation>
    </message>
    <message>
        <source>The restore needs a temporary folder and none can be made.</source>
        <translation>La restauración necesita una carpeta temporal y no se puede crear ninguna.</translation>
    </message>
    <message>
        <source>The backup cannot be read by pg_restore; nothing was changed.</source>
        <translation>pg_restore no puede leer la copia de seguridad; no se cambió nada.</translation>
    </message>
    <message>
        <source>The restore failed and was rolled back; the database is as it was.</source>
        <translation>La restauración falló y se deshizo; la base de datos está como estaba.</translation>
    </message>
</context>
<context>
    <name>BackupManifest</name>
    <message>
        <source>The backup&apos;s manifest is damaged or not a CarWash Desk backup.</source>
        <translation>El manifiesto de la copia de seguridad está dañado o no es de CarWash Desk.</translation>
    </message>
    <message>
        <source>The backup was made by a newer version of CarWash Desk; install that version to restore it.</source>
        <translation>La copia de seguridad la hizo una versión más nueva de CarWash Desk; instale esa versión para restaurarla.</translation>
    </message>
</context>
<context>
    <name>BackupsDialog</name>
    <message>
        <source>Backups</source>
        <translation>Copias de seguridad</translation>
    </message>
    <message>
        <source>Made</source>
        <translation>Hecha</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Schema</source>
        <translation>Esquema</translation>
    </message>
    <message>
        <source>Made by</source>
        <translation>Hecha por</translation>
    </message>
    <message>
        <source>Back up &amp;now</source>
        <translation>Copiar &amp;ahora</translation>
    </message>
    <message>
        <source>Back up the database now</source>
        <translation>Hacer ahora una copia de seguridad de la base de datos</translation>
    </message>
    <message>
        <source>C&amp;hoose folder…</source>
        <translation>Elegir &amp;carpeta…</translation>
    </message>
    <message>
        <source>Choose the backup folder</source>
        <translation>Elegir la carpeta de las copias de seguridad</translation>
    </message>
    <message>
        <source>Another folder for the backups, such as a USB disk</source>
        <translation>Otra carpeta para las copias, como un disco USB</translation>
    </message>
    <message>
        <source>Use the &amp;data folder</source>
        <translation>Usar la carpeta de &amp;datos</translation>
    </message>
    <message>
        <source>Last backup:</source>
        <translation>Última copia:</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>Carpeta:</translation>
    </message>
    <message>
        <source>Kept:</source>
        <translation>Se guardan:</translation>
    </message>
    <message>
        <source>No backup was made.</source>
        <translation>No se hizo ninguna copia de seguridad.</translation>
    </message>
    <message>
        <source>Another program is making a backup right now; try again in a minute.</source>
        <translation>Otro programa está haciendo una copia ahora mismo; inténtelo de nuevo en un minuto.</translation>
    </message>
    <message>
        <source>Backed up: %1.</source>
        <translation>Copia hecha: %1.</translation>
    </message>
    <message>
        <source>Backups of this computer&apos;s database, made every day the desk runs and kept for the days below. Keep the folder on another disk, such as a USB disk, so a dead disk loses nothing. To restore one: carwash-admin restore FILE.</source>
        <translation>Copias de seguridad de la base de datos de este ordenador, hechas cada día que funciona el mostrador y guardadas los días indicados abajo. Ponga la carpeta en otro disco, como un disco USB, para que un disco averiado no pierda nada. Para restaurar una: carwash-admin restore FILE.</translation>
    </message>
    <message>
        <source>&amp;Backups:</source>
        <translation>Copias de &amp;seguridad:</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>The backups could not be listed.</source>
        <translation>No se pudieron listar las copias de seguridad.</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>ninguna todavía</translation>
    </message>
    <message>
        <source>%1 (the data folder)</source>
        <translation>%1 (la carpeta de datos)</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s); change it in Site set-up</source>
        <translation>
            <numerusform>%n día; cámbielo en Configuración del local</numerusform>
            <numerusform>%n días; cámbielo en Configuración del local</numerusform>
        </translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>Haciendo la copia…</translation>
    </message>
    <message>
        <source>Folder for the backups</source>
        <translation>Carpeta para las copias de seguridad</translation>
    </message>
    <message>
        <source>The backup folder was not changed.</source>
        <translation>La carpeta de copias no se cambió.</translation>
    </message>
    <message>
        <source>Backups now go to the data folder.</source>
        <translation>Las copias van ahora a la carpeta de datos.</translation>
    </message>
    <message>
        <source>Backups now go to %1.</source>
        <translation>Las copias van ahora a %1.</translation>
    </message>
</context>
<context>
    <name>BaysPage</name>
    <message>
        <source>Bay name</source>
        <translation>Nombre del box</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation>No&amp;mbre:</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation>&amp;Tipo:</translation>
    </message>
    <message>
        <source>&amp;Active (takes new bookings)</source>
        <translation>&amp;Activo (acepta reservas nuevas)</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Activo</translation>
    </message>
    <message>
        <source>Services this bay performs</source>
        <translation>Servicios que realiza este box</translation>
    </message>
    <message>
        <source>Per&amp;forms:</source>
        <translation>&amp;Realiza:</translation>
    </message>
    <message>
        <source>Bay</source>
        <translation>Box</translation>
    </message>
    <message>
        <source>Performs</source>
        <translation>Realiza</translation>
    </message>
    <message>
        <source>Bays</source>
        <translation>Boxes</translation>
    </message>
</context>
<context>
    <name>BookingApi</name>
    <message>
        <source>There is no %1 in this API; see docs/openapi.yaml.</source>
        <translation>No existe %1 en esta API; consulte docs/openapi.yaml.</translation>
    </message>
    <message>
        <source>%1 takes %2 only.</source>
        <translation>%1 solo admite %2.</translation>
    </message>
    <message>
        <source>The booking service is starting; please try again in a few seconds.</source>
        <translation>El servicio de reservas se está iniciando; vuelva a intentarlo en unos segundos.</translation>
    </message>
    <message>
        <source>The request body is larger than %1 bytes.</source>
        <translation>El cuerpo de la solicitud supera los %1 bytes.</translation>
    </message>
    <message numerus="yes">
        <source>Too many bookings and changes from your address; please wait %n second(s).</source>
        <translation>
            <numerusform>Demasiadas reservas y cambios desde su dirección; espere %n segundo.</numerusform>
            <numerusform>Demasiadas reservas y cambios desde su dirección; espere %n segundos.</numerusform>
        </translation>
    </message>
    <message>
        <source>The body must be a JSON object, such as {&quot;plate&quot;: &quot;AB123&quot;}.</source>
        <translation>El cuerpo debe ser un objeto JSON, por ejemplo {&quot;plate&quot;: &quot;AB123&quot;}.</translation>
    </message>
    <message>
        <source>There is no wash package %1.</source>
        <translation>No existe el lavado %1.</translation>
    </message>
    <message>
        <source>No free start within the booking horizon (closed, fully booked, or no bay offers this wash).</source>
        <translation>No hay ninguna hora libre dentro del plazo de reserva (cerrado, completo o ninguna bahía ofrece este lavado).</translation>
    </message>
    <message>
        <source>plate is required: the licence plate the booking was made for.</source>
        <translation>plate es obligatorio: la matrícula con la que se hizo la reserva.</translation>
    </message>
    <message>
        <source>No booking %1 for that plate. Check the code in your confirmation and the plate as you gave it.</source>
        <translation>No hay ninguna reserva %1 para esa matrícula. Compruebe el código de su confirmación y la matrícula tal como la indicó.</translation>
    </message>
    <message>
        <source>This Idempotency-Key was already used for a different booking; send a new key with a new booking.</source>
        <translation>Esta Idempotency-Key ya se usó para otra reserva; envíe una clave nueva con cada reserva nueva.</translation>
    </message>
    <message>
        <source>There is no booking %1.</source>
        <translation>No existe la reserva %1.</translation>
    </message>
    <message>
        <source>Booking %1 is not awaiting payment (it is %2).</source>
        <translation>La reserva %1 no está pendiente de pago (está %2).</translation>
    </message>
    <message>
        <source>Card payment could not be started just now; please try again, or pay at the car wash.</source>
        <translation>No se pudo iniciar el pago con tarjeta en este momento; vuelva a intentarlo o pague en el lavadero.</translation>
    </message>
    <message>
        <source>start takes an ISO-8601 date and time such as 2025-06-11T09:30:00+02:00 (without an offset: the site&apos;s local time), not &quot;%1&quot;.</source>
        <translation>start requiere una fecha y hora ISO-8601 como 2025-06-11T09:30:00+02:00 (sin desfase: la hora local del lavadero), no &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>bay takes a numeric bay ID, not &quot;%1&quot;.</source>
        <translation>bay requiere el ID numérico de una bahía, no &quot;%1&quot;.</translation>
    </message>
</context>
<context>
    <name>BookingDetailsDialog</name>
    <message>
        <source>&amp;Check in</source>
        <translation>&amp;Registrar llegada</translation>
    </message>
    <message>
        <source>Check the customer in</source>
        <translation>Registrar la llegada del cliente</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Iniciar</translation>
    </message>
    <message>
        <source>Start the wash</source>
        <translation>Iniciar el lavado</translation>
    </message>
    <message>
        <source>Co&amp;mplete</source>
        <translation>&amp;Completar</translation>
    </message>
    <message>
        <source>Mark the wash complete</source>
        <translation>Marcar el lavado como completado</translation>
    </message>
    <message>
        <source>&amp;No-show</source>
        <translation>&amp;No se presentó</translation>
    </message>
    <message>
        <source>Mark as not shown up</source>
        <translation>Marcar como no presentado</translation>
    </message>
    <message>
        <source>C&amp;ancel booking…</source>
        <translation>C&amp;ancelar reserva…</translation>
    </message>
    <message>
        <source>Cancel the booking, with a reason</source>
        <translation>Cancelar la reserva, con un motivo</translation>
    </message>
    <message>
        <source>Booking</source>
        <translation>Reserva</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Estado:</translation>
    </message>
    <message>
        <source>When:</source>
        <translation>Cuándo:</translation>
    </message>
    <message>
        <source>Bay:</source>
        <translation>Box:</translation>
    </message>
    <message>
        <source>Service:</source>
        <translation>Servicio:</translation>
    </message>
    <message>
        <source>Vehicle:</source>
        <translation>Vehículo:</translation>
    </message>
    <message>
        <source>Add-ons:</source>
        <translation>Extras:</translation>
    </message>
    <message>
        <source>Price:</source>
        <translation>Precio:</translation>
    </message>
    <message>
        <source>Payment:</source>
        <translation>Pago:</translation>
    </message>
    <message>
        <source>Customer:</source>
        <translation>Cliente:</translation>
    </message>
    <message>
        <source>Phone:</source>
        <translation>Teléfono:</translation>
    </message>
    <message>
        <source>Email:</source>
        <translation>Correo electrónico:</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Pagos</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Método</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Importe</translation>
    </message>
    <message>
        <source>Tendered</source>
        <translation>Entregado</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Cambio</translation>
    </message>
    <message>
        <source>Taken by</source>
        <translation>Cobrado por</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historial</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Quién</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Qué</translation>
    </message>
    <message>
        <source>&amp;Reschedule…</source>
        <translation>Re&amp;programar…</translation>
    </message>
    <message>
        <source>Move the booking to another time</source>
        <translation>Mover la reserva a otra hora</translation>
    </message>
    <message>
        <source>Take cas&amp;h…</source>
        <translation>Cobrar en efecti&amp;vo…</translation>
    </message>
    <message>
        <source>Take a cash payment</source>
        <translation>Cobrar un pago en efectivo</translation>
    </message>
    <message>
        <source>&amp;Print receipt…</source>
        <translation>Imprimir reci&amp;bo…</translation>
    </message>
    <message>
        <source>Save receipt P&amp;DF…</source>
        <translation>Guardar recibo en P&amp;DF…</translation>
    </message>
    <message>
        <source>Preparing the receipt…</source>
        <translation>Preparando el recibo…</translation>
    </message>
    <message>
        <source>Reason for the cancellation</source>
        <translation>Motivo de la cancelación</translation>
    </message>
    <message>
        <source>e.g. customer called, car broke down</source>
        <translation>p. ej., el cliente llamó, el coche se averió</translation>
    </message>
    <message>
        <source>C&amp;onfirm cancellation</source>
        <translation>C&amp;onfirmar cancelación</translation>
    </message>
    <message>
        <source>&amp;Keep booking</source>
        <translation>Mantener la r&amp;eserva</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>Actua&amp;lizar</translation>
    </message>
    <message>
        <source>Pa&amp;yments</source>
        <translation>Pa&amp;gos</translation>
    </message>
    <message>
        <source>His&amp;tory</source>
        <translation>His&amp;torial</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>The booking could not be loaded. %1</source>
        <translation>No se pudo cargar la reserva. %1</translation>
    </message>
    <message>
        <source>Booking %1</source>
        <translation>Reserva %1</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>%1, %2–%3</source>
        <translation>%1, %2–%3</translation>
    </message>
    <message>
        <source>%1, plate %2</source>
        <translation>%1, matrícula %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Ninguno</translation>
    </message>
    <message>
        <source>%1 (includes %2 tax: %3)</source>
        <translation>%1 (incluye %2 de impuesto: %3)</translation>
    </message>
    <message>
        <source>%1 + %2 tax %3 = %4</source>
        <translation>%1 + %2 de impuesto %3 = %4</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Pagado</translation>
    </message>
    <message>
        <source>Due: %1</source>
        <translation>Pendiente: %1</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>Realizado</translation>
    </message>
    <message>
        <source>Why is the booking cancelled?</source>
        <translation>¿Por qué se cancela la reserva?</translation>
    </message>
    <message>
        <source>Give a reason for the cancellation; it is kept in the booking&apos;s history.</source>
        <translation>Indique un motivo para la cancelación; se guarda en el historial de la reserva.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>Booking %1 is now %2.</source>
        <translation>Nuevo estado de la reserva %1: %2.</translation>
    </message>
    <message>
        <source>%1 The booking is shown as it is now.</source>
        <translation>%1 La reserva se muestra como está ahora.</translation>
    </message>
    <message>
        <source>Booking %1 moved to %2 on %3.</source>
        <translation>Reserva %1 movida al %2 en %3.</translation>
    </message>
    <message>
        <source>%1 paid in cash.</source>
        <translation>%1 pagado en efectivo.</translation>
    </message>
    <message>
        <source>Cancellation r&amp;eason:</source>
        <translation>&amp;Motivo de la cancelación:</translation>
    </message>
    <message>
        <source>Car&amp;d…</source>
        <translation>Tar&amp;jeta…</translation>
    </message>
    <message>
        <source>Take a card payment</source>
        <translation>Cobrar con tarjeta</translation>
    </message>
    <message>
        <source>Ref&amp;und…</source>
        <translation>Reembol&amp;sar…</translation>
    </message>
    <message>
        <source>Give money back</source>
        <translation>Devolver dinero</translation>
    </message>
    <message>
        <source>%1 paid by card.</source>
        <translation>%1 pagado con tarjeta.</translation>
    </message>
    <message>
        <source>%1; %2 refunded</source>
        <translation>%1; %2 reembolsado</translation>
    </message>
    <message>
        <source>%1 — needs attention: %2</source>
        <translation>%1 — requiere atención: %2</translation>
    </message>
</context>
<context>
    <name>BookingOutcome</name>
    <message numerus="yes">
        <source>The booking was refused: %n field(s) need attention.</source>
        <translation>
            <numerusform>La reserva se rechazó: hay que revisar %n campo.</numerusform>
            <numerusform>La reserva se rechazó: hay que revisar %n campos.</numerusform>
        </translation>
    </message>
    <message>
        <source>That time slot was just taken.</source>
        <translation>Esa franja horaria se acaba de ocupar.</translation>
    </message>
</context>
<context>
    <name>BookingRepo</name>
    <message>
        <source>The customer record changed meanwhile; try again.</source>
        <translation>La ficha del cliente cambió mientras tanto; vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>%1 does not exist in %2: the clocks jump forward over it.</source>
        <translation>%1 no existe en %2: los relojes se adelantan y se la saltan.</translation>
    </message>
    <message>
        <source>This idempotency key was already used for a different booking (ID %1). Send the same details to get that booking again, or use a new key.</source>
        <translation>Esta clave de idempotencia ya se usó para otra reserva (ID %1). Envíe los mismos datos para obtener de nuevo esa reserva, o use una clave nueva.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a booking status. Statuses: %2.</source>
        <translation>«%1» no es un estado de reserva. Estados: %2.</translation>
    </message>
    <message>
        <source>The reason may have at most %1 characters.</source>
        <translation>El motivo puede tener como máximo %1 caracteres.</translation>
    </message>
    <message>
        <source>There is no booking with ID or code &quot;%1&quot;.</source>
        <translation>No hay ninguna reserva con el ID o código «%1».</translation>
    </message>
    <message>
        <source>Choose the new start time.</source>
        <translation>Elija la nueva hora de inicio.</translation>
    </message>
    <message>
        <source>Booking %1 is already at that time on %2.</source>
        <translation>La reserva %1 ya está a esa hora en %2.</translation>
    </message>
    <message>
        <source>Booking %1 cannot change to %2: its status %3 is final.</source>
        <translation>La reserva %1 no puede pasar a %2: su estado, %3, es definitivo.</translation>
    </message>
    <message>
        <source>Booking %1 cannot change from %2 to %3; from %2 it can change to: %4.</source>
        <translation>La reserva %1 no puede pasar de %2 a %3; desde %2 puede pasar a: %4.</translation>
    </message>
    <message>
        <source>Booking %1 cannot be moved: its status is %2. Only held or confirmed bookings can be moved.</source>
        <translation>La reserva %1 no se puede mover: su estado es %2. Solo se pueden mover las reservas retenidas o confirmadas.</translation>
    </message>
</context>
<context>
    <name>BookingRequest</name>
    <message>
        <source>The start must be an ISO-8601 date and time, for example 2025-06-11T09:30:00+02:00.</source>
        <translation>El inicio debe ser una fecha y hora ISO-8601, por ejemplo 2025-06-11T09:30:00+02:00.</translation>
    </message>
    <message>
        <source>The plate must have 2 to 10 letters or digits (spaces and dashes are ignored), not &quot;%1&quot;.</source>
        <translation>La matrícula debe tener de 2 a 10 letras o cifras (se ignoran espacios y guiones), no «%1».</translation>
    </message>
    <message>
        <source>The name is required (1 to %1 characters).</source>
        <translation>El nombre es obligatorio (de 1 a %1 caracteres).</translation>
    </message>
    <message>
        <source>The name may have at most %1 characters.</source>
        <translation>El nombre puede tener como máximo %1 caracteres.</translation>
    </message>
    <message>
        <source>The name may not contain line breaks or control characters.</source>
        <translation>El nombre no puede contener saltos de línea ni caracteres de control.</translation>
    </message>
    <message>
        <source>The phone number may have digits, a leading +, spaces, dashes and parentheses (3 to 15 digits), not &quot;%1&quot;.</source>
        <translation>El número de teléfono puede tener cifras, un + inicial, espacios, guiones y paréntesis (de 3 a 15 cifras), no «%1».</translation>
    </message>
    <message>
        <source>The e-mail address must look like name@example.com, not &quot;%1&quot;.</source>
        <translation>La dirección de correo electrónico debe tener la forma nombre@example.com, no «%1».</translation>
    </message>
    <message>
        <source>The idempotency key must have 1 to %1 printable characters.</source>
        <translation>La clave de idempotencia debe tener de 1 a %1 caracteres imprimibles.</translation>
    </message>
    <message>
        <source>The language must be en, es or de, not &quot;%1&quot;.</source>
        <translation>El idioma debe ser en, es o de, no «%1».</translation>
    </message>
</context>
<context>
    <name>BookingSearch</name>
    <message>
        <source>Search for a plate, a phone number, a name or a confirmation code (1 to %1 characters).</source>
        <translation>Busque una matrícula, un teléfono, un nombre o un código de confirmación (de 1 a %1 caracteres).</translation>
    </message>
</context>
<context>
    <name>BookingText</name>
    <message>
        <source>tomorrow %1</source>
        <translation>mañana %1</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>ddd d MMM</source>
        <translation>ddd d MMM</translation>
    </message>
</context>
<context>
    <name>BookingWords</name>
    <message>
        <source>Held</source>
        <translation>Retenida</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>Confirmada</translation>
    </message>
    <message>
        <source>Checked in</source>
        <translation>Llegada registrada</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>En curso</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Completada</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelada</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>No se presentó</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Vencida</translation>
    </message>
    <message>
        <source>Car</source>
        <translation>Turismo</translation>
    </message>
    <message>
        <source>SUV</source>
        <translation>SUV</translation>
    </message>
    <message>
        <source>Truck</source>
        <translation>Camioneta</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>Efectivo</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Tarjeta</translation>
    </message>
    <message>
        <source>Card (online)</source>
        <translation>Tarjeta (en línea)</translation>
    </message>
    <message>
        <source>Card (reader)</source>
        <translation>Tarjeta (lector)</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>Reservada</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Moved from %1 on %2</source>
        <translation>Movida desde el %1 en %2</translation>
    </message>
    <message>
        <source>Paid %1 in cash</source>
        <translation>%1 pagados en efectivo</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <source>%1 asked of the card reader</source>
        <translation>%1 solicitado al lector de tarjetas</translation>
    </message>
    <message>
        <source>Checkout link asked for %1</source>
        <translation>Enlace de Checkout solicitado por %1</translation>
    </message>
    <message>
        <source>Card payment of %1 cancelled</source>
        <translation>Pago con tarjeta de %1 cancelado</translation>
    </message>
    <message>
        <source>Refunded %1 in cash</source>
        <translation>Reembolsado %1 en efectivo</translation>
    </message>
    <message>
        <source>Refund of %1 to the card asked for</source>
        <translation>Reembolso de %1 a la tarjeta solicitado</translation>
    </message>
    <message>
        <source>waiting to be paid</source>
        <translation>pendiente de pago</translation>
    </message>
    <message>
        <source>being processed</source>
        <translation>en proceso</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>pagado</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fallido</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>cancelado</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>caducado</translation>
    </message>
    <message>
        <source>refunded</source>
        <translation>reembolsado</translation>
    </message>
    <message>
        <source>Erased customer</source>
        <translation>Cliente borrado</translation>
    </message>
</context>
<context>
    <name>BoundedTcpServer</name>
    <message>
        <source>The request&apos;s headers are larger than %1 bytes.</source>
        <translation>Las cabeceras de la solicitud ocupan más de %1 bytes.</translation>
    </message>
    <message>
        <source>The request&apos;s Content-Length is not a number.</source>
        <translation>El Content-Length de la solicitud no es un número.</translation>
    </message>
    <message>
        <source>The request body is larger than %1 bytes.</source>
        <translation>El cuerpo de la solicitud supera los %1 bytes.</translation>
    </message>
</context>
<context>
    <name>BusyIndicator</name>
    <message>
        <source>Busy</source>
        <translation>Ocupado</translation>
    </message>
</context>
<context>
    <name>CalendarRepo</name>
    <message>
        <source>A closure ends on or after the day it starts (YYYY-MM-DD, --to not before the start).</source>
        <translation>Un cierre termina el mismo día en que empieza o después (AAAA-MM-DD, --to no anterior al inicio).</translation>
    </message>
    <message>
        <source>The reason may have at most %1 characters.</source>
        <translation>El motivo puede tener como máximo %1 caracteres.</translation>
    </message>
    <message>
        <source>There is no closure with ID %1.</source>
        <translation>No hay ningún cierre con el ID %1.</translation>
    </message>
</context>
<context>
    <name>CardPaymentAvailability</name>
    <message>
        <source>Card payment is unavailable: no payment server (carwash-server) is running.</source>
        <translation>El pago con tarjeta no está disponible: no hay ningún servidor de pagos (carwash-server) en marcha.</translation>
    </message>
    <message>
        <source>Card payment is unavailable: no payment server has reported for a minute.</source>
        <translation>El pago con tarjeta no está disponible: ningún servidor de pagos se ha comunicado desde hace un minuto.</translation>
    </message>
    <message>
        <source>Card payment is unavailable: no payment server has reported for %1 minutes.</source>
        <translation>El pago con tarjeta no está disponible: ningún servidor de pagos se ha comunicado desde hace %1 minutos.</translation>
    </message>
    <message>
        <source>Card payment is unavailable: no payment server has reported for %1 hours.</source>
        <translation>El pago con tarjeta no está disponible: ningún servidor de pagos se ha comunicado desde hace %1 horas.</translation>
    </message>
</context>
<context>
    <name>CardPaymentDialog</name>
    <message>
        <source>Card payment — %1</source>
        <translation>Pago con tarjeta — %1</translation>
    </message>
    <message>
        <source>Checking whether card payment is available…</source>
        <translation>Comprobando si se puede pagar con tarjeta…</translation>
    </message>
    <message>
        <source>Card payment unavailable</source>
        <translation>Pago con tarjeta no disponible</translation>
    </message>
    <message>
        <source>Amount due</source>
        <translation>Importe pendiente</translation>
    </message>
    <message>
        <source>On the &amp;reader</source>
        <translation>En el &amp;lector</translation>
    </message>
    <message>
        <source>Pay on this desk&apos;s card reader</source>
        <translation>Pagar en el lector de tarjetas de este mostrador</translation>
    </message>
    <message>
        <source>Customer&apos;s &amp;phone (QR code)</source>
        <translation>&amp;Móvil del cliente (código QR)</translation>
    </message>
    <message>
        <source>Show a QR code the customer pays with on their phone</source>
        <translation>Mostrar un código QR con el que el cliente paga en su móvil</translation>
    </message>
    <message>
        <source>This desk (%1) has no card reader assigned; a manager assigns one with carwash-admin reader add … --desk %1.</source>
        <translation>Este mostrador (%1) no tiene lector de tarjetas asignado; un encargado lo asigna con carwash-admin reader add … --desk %1.</translation>
    </message>
    <message>
        <source>Amount due:</source>
        <translation>Importe pendiente:</translation>
    </message>
    <message>
        <source>Amount on the reader</source>
        <translation>Importe en el lector</translation>
    </message>
    <message>
        <source>Reader state</source>
        <translation>Estado del lector</translation>
    </message>
    <message>
        <source>&amp;Try again</source>
        <translation>&amp;Reintentar</translation>
    </message>
    <message>
        <source>&amp;Cancel payment</source>
        <translation>&amp;Cancelar el pago</translation>
    </message>
    <message>
        <source>Cancel the payment on the reader</source>
        <translation>Cancelar el pago en el lector</translation>
    </message>
    <message>
        <source>Amount to pay</source>
        <translation>Importe a pagar</translation>
    </message>
    <message>
        <source>QR code of the payment link</source>
        <translation>Código QR del enlace de pago</translation>
    </message>
    <message>
        <source>Payment link</source>
        <translation>Enlace de pago</translation>
    </message>
    <message>
        <source>Payment state</source>
        <translation>Estado del pago</translation>
    </message>
    <message>
        <source>Time left to pay</source>
        <translation>Tiempo restante para pagar</translation>
    </message>
    <message>
        <source>&amp;New link</source>
        <translation>&amp;Nuevo enlace</translation>
    </message>
    <message>
        <source>Cancel the payment link</source>
        <translation>Cancelar el enlace de pago</translation>
    </message>
    <message>
        <source>P&amp;rint receipt…</source>
        <translation>Imp&amp;rimir recibo…</translation>
    </message>
    <message>
        <source>Save receipt P&amp;DF…</source>
        <translation>Guardar recibo en P&amp;DF…</translation>
    </message>
    <message>
        <source>Do&amp;ne</source>
        <translation>&amp;Listo</translation>
    </message>
    <message>
        <source>Preparing the receipt…</source>
        <translation>Preparando el recibo…</translation>
    </message>
    <message>
        <source>C&amp;lose</source>
        <translation>Cerr&amp;ar</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Comprobando…</translation>
    </message>
    <message>
        <source>Card payment could not be checked: %1 Take cash, or try again in a moment.</source>
        <translation>No se pudo comprobar el pago con tarjeta: %1 Cobre en efectivo o vuelva a intentarlo en un momento.</translation>
    </message>
    <message>
        <source>%1 Take the payment in cash instead; card payment comes back once the payment server is running again.</source>
        <translation>%1 Cobre en efectivo; el pago con tarjeta vuelve en cuanto el servidor de pagos esté en marcha de nuevo.</translation>
    </message>
    <message>
        <source>Reader %1 (%2)</source>
        <translation>Lector %1 (%2)</translation>
    </message>
    <message>
        <source>Sending to the reader…</source>
        <translation>Enviando al lector…</translation>
    </message>
    <message>
        <source>Asking for a payment link…</source>
        <translation>Solicitando un enlace de pago…</translation>
    </message>
    <message>
        <source>The payment&apos;s state could not be read: %1</source>
        <translation>No se pudo leer el estado del pago: %1</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelando…</translation>
    </message>
</context>
<context>
    <name>CardPaymentProgress</name>
    <message>
        <source>Sending the amount to the reader…</source>
        <translation>Enviando el importe al lector…</translation>
    </message>
    <message>
        <source>Asking Stripe for a payment link…</source>
        <translation>Pidiendo a Stripe un enlace de pago…</translation>
    </message>
    <message>
        <source>Waiting for the card: the customer taps, inserts or swipes it on the reader.</source>
        <translation>Esperando la tarjeta: el cliente la acerca, la inserta o la desliza en el lector.</translation>
    </message>
    <message>
        <source>Waiting for the customer to pay on their phone.</source>
        <translation>Esperando a que el cliente pague en su móvil.</translation>
    </message>
    <message>
        <source>The bank is processing the payment…</source>
        <translation>El banco está procesando el pago…</translation>
    </message>
    <message>
        <source>Declined: %1 Try again with another card, or take cash.</source>
        <translation>Rechazado: %1 Pruebe con otra tarjeta o cobre en efectivo.</translation>
    </message>
    <message>
        <source>The card payment failed. Try again, or take cash.</source>
        <translation>El pago con tarjeta falló. Vuelva a intentarlo o cobre en efectivo.</translation>
    </message>
    <message>
        <source>The card payment failed: %1 Try again, or take cash.</source>
        <translation>El pago con tarjeta falló: %1 Vuelva a intentarlo o cobre en efectivo.</translation>
    </message>
    <message>
        <source>The card payment was cancelled; nothing was charged.</source>
        <translation>El pago con tarjeta se canceló; no se cobró nada.</translation>
    </message>
    <message>
        <source>The payment link expired unpaid. Start again for a new one, or take cash.</source>
        <translation>El enlace de pago caducó sin pagarse. Pida uno nuevo o cobre en efectivo.</translation>
    </message>
    <message>
        <source>Paid: %1 by card.</source>
        <translation>Pagado: %1 con tarjeta.</translation>
    </message>
    <message>
        <source>%1:%2 left</source>
        <translation>quedan %1:%2</translation>
    </message>
</context>
<context>
    <name>CardPaymentRequests</name>
    <message>
        <source>Cancelled before it was sent to Stripe.</source>
        <translation>Cancelado antes de enviarse a Stripe.</translation>
    </message>
    <message>
        <source>There is no card reader %1 (see: carwash-admin reader list).</source>
        <translation>No existe el lector de tarjetas %1 (véase: carwash-admin reader list).</translation>
    </message>
    <message>
        <source>Booking %1 cannot be paid: its status is %2.</source>
        <translation>La reserva %1 no se puede pagar: su estado es %2.</translation>
    </message>
    <message>
        <source>A card payment of booking %1 is being processed by the bank; wait for it to succeed or fail before asking again.</source>
        <translation>El banco está procesando un pago con tarjeta de la reserva %1; espere a que se complete o falle antes de volver a pedirlo.</translation>
    </message>
    <message>
        <source>Booking %1 is already paid; nothing is due.</source>
        <translation>La reserva %1 ya está pagada; no hay nada pendiente.</translation>
    </message>
    <message>
        <source>There is no payment with ID %1.</source>
        <translation>No hay ningún pago con el ID %1.</translation>
    </message>
    <message>
        <source>Payment %1 was taken in cash; give money back with a refund instead.</source>
        <translation>El pago %1 se cobró en efectivo; devuelva el dinero con un reembolso.</translation>
    </message>
    <message>
        <source>Payment %1 is no longer waiting to be paid (it is %2); there is nothing to cancel.</source>
        <translation>El pago %1 ya no está pendiente (está %2); no hay nada que cancelar.</translation>
    </message>
    <message>
        <source>A refund must be more than nothing.</source>
        <translation>Un reembolso debe ser más que nada.</translation>
    </message>
    <message>
        <source>Nothing was paid for booking %1, so there is nothing to refund.</source>
        <translation>No se pagó nada por la reserva %1, así que no hay nada que reembolsar.</translation>
    </message>
    <message>
        <source>Nothing is left to refund of payment %1.</source>
        <translation>No queda nada por reembolsar del pago %1.</translation>
    </message>
    <message>
        <source>Nothing is left to refund on booking %1.</source>
        <translation>No queda nada por reembolsar en la reserva %1.</translation>
    </message>
    <message>
        <source>%1 is more than is left to refund on booking %2: at most %3.</source>
        <translation>%1 es más de lo que queda por reembolsar en la reserva %2: como máximo %3.</translation>
    </message>
    <message>
        <source>A card payment changed meanwhile; try again.</source>
        <translation>Un pago con tarjeta cambió entretanto; inténtelo de nuevo.</translation>
    </message>
</context>
<context>
    <name>CardPaymentUpdater</name>
    <message>
        <source>%1 was paid by card for booking %2 after its hold ended, and another booking had taken the slot meanwhile. The payment is being refunded automatically; offer the customer another time.</source>
        <translation>Se pagaron %1 con tarjeta por la reserva %2 después de que venciera su retención, y otra reserva había ocupado el horario. El pago se está reembolsando automáticamente; ofrezca al cliente otra hora.</translation>
    </message>
    <message>
        <source>%1 was paid by card for booking %2 after it was cancelled or marked a no-show. Refund it if the customer is not coming.</source>
        <translation>Se pagaron %1 con tarjeta por la reserva %2 después de cancelarla o marcarla como no presentada. Reembólselo si el cliente no viene.</translation>
    </message>
    <message>
        <source>Booking %1 was paid twice. %2 of the card payment is being refunded automatically.</source>
        <translation>La reserva %1 se pagó dos veces. Se están reembolsando automáticamente %2 del pago con tarjeta.</translation>
    </message>
    <message>
        <source>The refund of %1 for booking %2 failed at Stripe (%3). Give the money back another way, such as cash, and record it.</source>
        <translation>El reembolso de %1 de la reserva %2 falló en Stripe (%3). Devuelva el dinero de otra forma, por ejemplo en efectivo, y regístrelo.</translation>
    </message>
</context>
<context>
    <name>CardReadersDialog</name>
    <message>
        <source>Card readers</source>
        <translation>Lectores de tarjetas</translation>
    </message>
    <message>
        <source>The Stripe Terminal readers registered in Stripe&apos;s dashboard. Each desk and kiosk takes card payments on the one reader assigned to it.</source>
        <translation>Los lectores de Stripe Terminal registrados en el panel de Stripe. Cada mostrador y cada quiosco cobra con tarjeta en el único lector que tiene asignado.</translation>
    </message>
    <message>
        <source>Rea&amp;ders:</source>
        <translation>Lec&amp;tores:</translation>
    </message>
    <message>
        <source>Reader</source>
        <translation>Lector</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Etiqueta</translation>
    </message>
    <message>
        <source>Assigned to</source>
        <translation>Asignado a</translation>
    </message>
    <message>
        <source>Reader &amp;ID:</source>
        <translation>&amp;ID del lector:</translation>
    </message>
    <message>
        <source>New reader&apos;s ID</source>
        <translation>ID del nuevo lector</translation>
    </message>
    <message>
        <source>&amp;Label:</source>
        <translation>&amp;Etiqueta:</translation>
    </message>
    <message>
        <source>New reader&apos;s label</source>
        <translation>Etiqueta del nuevo lector</translation>
    </message>
    <message>
        <source>Front desk reader</source>
        <translation>Lector de recepción</translation>
    </message>
    <message>
        <source>&amp;Add reader</source>
        <translation>&amp;Añadir lector</translation>
    </message>
    <message>
        <source>Add the reader</source>
        <translation>Añadir el lector</translation>
    </message>
    <message>
        <source>Assign &amp;to:</source>
        <translation>A&amp;signar a:</translation>
    </message>
    <message>
        <source>Assign the reader to a desk or a kiosk</source>
        <translation>Asignar el lector a un mostrador o a un quiosco</translation>
    </message>
    <message>
        <source>Desk</source>
        <translation>Mostrador</translation>
    </message>
    <message>
        <source>Kiosk</source>
        <translation>Quiosco</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <source>Name of the desk or kiosk</source>
        <translation>Nombre del mostrador o quiosco</translation>
    </message>
    <message>
        <source>A&amp;ssign</source>
        <translation>Asi&amp;gnar</translation>
    </message>
    <message>
        <source>Assign the selected reader to that desk or kiosk</source>
        <translation>Asignar el lector seleccionado a ese mostrador o quiosco</translation>
    </message>
    <message>
        <source>&amp;Unassign</source>
        <translation>&amp;Desasignar</translation>
    </message>
    <message>
        <source>Unassign the selected reader from its desk or kiosk</source>
        <translation>Desasignar el lector seleccionado de su mostrador o quiosco</translation>
    </message>
    <message>
        <source>Re&amp;move reader</source>
        <translation>&amp;Quitar lector</translation>
    </message>
    <message>
        <source>Remove the selected reader</source>
        <translation>Quitar el lector seleccionado</translation>
    </message>
    <message>
        <source>Not assigned</source>
        <translation>Sin asignar</translation>
    </message>
    <message>
        <source>Desk &quot;%1&quot; (this desk)</source>
        <translation>Mostrador «%1» (este mostrador)</translation>
    </message>
    <message>
        <source>%1 (this desk)</source>
        <translation>%1 (este mostrador)</translation>
    </message>
    <message>
        <source>The reader was not added.</source>
        <translation>El lector no se añadió.</translation>
    </message>
    <message>
        <source>Reader %1 (%2) added; assign it to a desk or kiosk to take payments on it.</source>
        <translation>Lector %1 (%2) añadido; asígnelo a un mostrador o quiosco para cobrar con él.</translation>
    </message>
    <message>
        <source>Reader %1 was not removed.</source>
        <translation>El lector %1 no se quitó.</translation>
    </message>
    <message>
        <source>Reader %1 (%2) removed.</source>
        <translation>Lector %1 (%2) quitado.</translation>
    </message>
    <message>
        <source>Reader %1 was not assigned.</source>
        <translation>El lector %1 no se asignó.</translation>
    </message>
    <message>
        <source>Reader %1 now takes the card payments of the %2.</source>
        <translation>El lector %1 cobra ahora los pagos con tarjeta del %2.</translation>
    </message>
    <message>
        <source>Reader %1 was not unassigned.</source>
        <translation>El lector %1 no se desasignó.</translation>
    </message>
    <message>
        <source>Reader %1 no longer serves the %2.</source>
        <translation>El lector %1 ya no sirve al %2.</translation>
    </message>
    <message>
        <source>Kiosk &quot;%1&quot;</source>
        <translation>Quiosco «%1»</translation>
    </message>
    <message>
        <source>Desk &quot;%1&quot;</source>
        <translation>Mostrador «%1»</translation>
    </message>
    <message>
        <source>The card readers could not be loaded.</source>
        <translation>No se pudieron cargar los lectores de tarjetas.</translation>
    </message>
</context>
<context>
    <name>CashPaymentDialog</name>
    <message>
        <source>Cash payment — %1</source>
        <translation>Pago en efectivo — %1</translation>
    </message>
    <message>
        <source>Amount due</source>
        <translation>Importe pendiente</translation>
    </message>
    <message>
        <source>Amount tendered</source>
        <translation>Importe entregado</translation>
    </message>
    <message>
        <source>&amp;Tendered (%1):</source>
        <translation>&amp;Entregado (%1):</translation>
    </message>
    <message>
        <source>E&amp;xact %1</source>
        <translation>E&amp;xacto %1</translation>
    </message>
    <message>
        <source>&amp;%1: %2</source>
        <translation>&amp;%1: %2</translation>
    </message>
    <message>
        <source>Tendered %1</source>
        <translation>Entregado %1</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Cambio</translation>
    </message>
    <message>
        <source>Amount due:</source>
        <translation>Importe pendiente:</translation>
    </message>
    <message>
        <source>Change:</source>
        <translation>Cambio:</translation>
    </message>
    <message>
        <source>Take &amp;payment</source>
        <translation>Cobrar &amp;pago</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>P&amp;rint receipt…</source>
        <translation>Imp&amp;rimir recibo…</translation>
    </message>
    <message>
        <source>Save receipt P&amp;DF…</source>
        <translation>Guardar recibo en P&amp;DF…</translation>
    </message>
    <message>
        <source>Preparing the receipt…</source>
        <translation>Preparando el recibo…</translation>
    </message>
    <message>
        <source>Not an amount</source>
        <translation>No es un importe</translation>
    </message>
    <message>
        <source>%1 short</source>
        <translation>Faltan %1</translation>
    </message>
    <message>
        <source>Type the amount handed over, for example %1.</source>
        <translation>Escriba el importe entregado, por ejemplo %1.</translation>
    </message>
    <message>
        <source>%1 is less than the %2 due.</source>
        <translation>%1 es menos que los %2 pendientes.</translation>
    </message>
    <message>
        <source>Recording payment…</source>
        <translation>Registrando el pago…</translation>
    </message>
    <message>
        <source>Change: %1</source>
        <translation>Cambio: %1</translation>
    </message>
    <message>
        <source>%1 paid in cash; %2 tendered.</source>
        <translation>%1 pagados en efectivo; %2 entregados.</translation>
    </message>
    <message>
        <source>Do&amp;ne</source>
        <translation>&amp;Listo</translation>
    </message>
    <message>
        <source>That is more than a desk takes in cash; check the amount.</source>
        <translation>Es más de lo que un mostrador cobra en efectivo; compruebe el importe.</translation>
    </message>
</context>
<context>
    <name>CatalogRepo</name>
    <message>
        <source>The name is required (1 to %1 characters).</source>
        <translation>El nombre es obligatorio (de 1 a %1 caracteres).</translation>
    </message>
    <message>
        <source>The name may have at most %1 characters; it has %2.</source>
        <translation>El nombre puede tener como máximo %1 caracteres; tiene %2.</translation>
    </message>
    <message>
        <source>The name may not contain line breaks or control characters.</source>
        <translation>El nombre no puede contener saltos de línea ni caracteres de control.</translation>
    </message>
    <message>
        <source>The description may have at most %1 characters.</source>
        <translation>La descripción puede tener como máximo %1 caracteres.</translation>
    </message>
    <message>
        <source>The description may not contain control characters.</source>
        <translation>La descripción no puede contener caracteres de control.</translation>
    </message>
    <message>
        <source>The duration must be %1 to %2 minutes, not %3.</source>
        <translation>La duración debe ser de %1 a %2 minutos, no %3.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a vehicle class; the classes are %2.</source>
        <translation>«%1» no es una clase de vehículo; las clases son %2.</translation>
    </message>
    <message>
        <source>An active service needs a price for at least one vehicle class.</source>
        <translation>Un servicio activo necesita un precio para al menos una clase de vehículo.</translation>
    </message>
    <message>
        <source>The extra time must be 0 to %1 minutes, not %2.</source>
        <translation>El tiempo extra debe ser de 0 a %1 minutos, no %2.</translation>
    </message>
    <message>
        <source>The kind must be one of %1, not &quot;%2&quot;.</source>
        <translation>El tipo debe ser uno de %1, no «%2».</translation>
    </message>
    <message>
        <source>There is no service with ID %1 (it may have just been deleted); reload and choose again.</source>
        <translation>No hay ningún servicio con el ID %1 (quizá se acaba de eliminar); vuelva a cargar y elija de nuevo.</translation>
    </message>
    <message>
        <source>%1 called &quot;%2&quot; already exists; choose another name.</source>
        <translation>%1 llamado «%2» ya existe; elija otro nombre.</translation>
    </message>
    <message>
        <source>A service</source>
        <translation>Un servicio</translation>
    </message>
    <message>
        <source>There is no service with ID %1 (it may have just been deleted).</source>
        <translation>No hay ningún servicio con el ID %1 (quizá se acaba de eliminar).</translation>
    </message>
    <message>
        <source>An add-on</source>
        <translation>Un extra</translation>
    </message>
    <message>
        <source>There is no add-on with ID %1 (it may have just been deleted).</source>
        <translation>No hay ningún extra con el ID %1 (quizá se acaba de eliminar).</translation>
    </message>
    <message>
        <source>A bay</source>
        <translation>Un box</translation>
    </message>
    <message>
        <source>There is no bay with ID %1 (it may have just been deleted).</source>
        <translation>No hay ningún box con el ID %1 (quizá se acaba de eliminar).</translation>
    </message>
    <message numerus="yes">
        <source>%1 takes no new bookings; %n upcoming booking(s) already on it stay there.</source>
        <translation>
            <numerusform>%1 no acepta reservas nuevas; la %n reserva próxima que ya tiene se queda allí.</numerusform>
            <numerusform>%1 no acepta reservas nuevas; las %n reservas próximas que ya tiene se quedan allí.</numerusform>
        </translation>
    </message>
    <message>
        <source>There is nothing with ID %1 to remove (it may have just been deleted).</source>
        <translation>No hay nada con el ID %1 para eliminar (quizá se acaba de eliminar).</translation>
    </message>
    <message numerus="yes">
        <source>%1 was deactivated, not deleted: %n booking(s) refer to it and keep their history. It is no longer offered.</source>
        <translation>
            <numerusform>%1 se desactivó, no se eliminó: %n reserva lo usa y conserva su historial. Ya no se ofrece.</numerusform>
            <numerusform>%1 se desactivó, no se eliminó: %n reservas lo usan y conservan su historial. Ya no se ofrece.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 was deleted.</source>
        <translation>%1 se eliminó.</translation>
    </message>
    <message>
        <source>The price for %1 must be from 0 to %2.</source>
        <translation>El precio para %1 debe estar entre 0 y %2.</translation>
    </message>
    <message>
        <source>The price must be from 0 to %1.</source>
        <translation>El precio debe estar entre 0 y %1.</translation>
    </message>
</context>
<context>
    <name>CatalogueEditorPage</name>
    <message>
        <source>&amp;New</source>
        <translation>&amp;Nuevo</translation>
    </message>
    <message>
        <source>New: %1</source>
        <translation>Nuevo: %1</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Guardar</translation>
    </message>
    <message>
        <source>Save: %1</source>
        <translation>Guardar: %1</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>&amp;Eliminar…</translation>
    </message>
    <message>
        <source>Remove or deactivate: %1</source>
        <translation>Eliminar o desactivar: %1</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>New entry: fill in the form and press Save.</source>
        <translation>Nueva entrada: rellene el formulario y pulse Guardar.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>Not saved.</source>
        <translation>No guardado.</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Guardado.</translation>
    </message>
    <message>
        <source>Saved. %1</source>
        <translation>Guardado. %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 is on %n booking(s), so it will be deactivated rather than deleted: it is no longer offered, and those bookings keep it. Go ahead?</source>
        <translation>
            <numerusform>%1 está en %n reserva, así que se desactivará en lugar de eliminarse: ya no se ofrece y esa reserva lo conserva. ¿Continuar?</numerusform>
            <numerusform>%1 está en %n reservas, así que se desactivará en lugar de eliminarse: ya no se ofrece y esas reservas lo conservan. ¿Continuar?</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete %1? No booking refers to it.</source>
        <translation>¿Eliminar %1? Ninguna reserva lo usa.</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>Desactivar</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>&amp;Deactivate</source>
        <translation>&amp;Desactivar</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Eliminar</translation>
    </message>
    <message>
        <source>Removing…</source>
        <translation>Eliminando…</translation>
    </message>
    <message>
        <source>%1 was not removed.</source>
        <translation>%1 no se eliminó.</translation>
    </message>
</context>
<context>
    <name>CatalogueText</name>
    <message>
        <source>Tunnel</source>
        <translation>Túnel</translation>
    </message>
    <message>
        <source>Detail bay</source>
        <translation>Box de detallado</translation>
    </message>
    <message>
        <source>Self-serve</source>
        <translation>Autoservicio</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Sí</translation>
    </message>
    <message>
        <source>No</source>
        <translation>No</translation>
    </message>
</context>
<context>
    <name>ClosuresPage</name>
    <message>
        <source>Closures</source>
        <translation>Cierres</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Desde</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Hasta</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Closed from</source>
        <translation>Cerrado desde</translation>
    </message>
    <message>
        <source>Closed until</source>
        <translation>Cerrado hasta</translation>
    </message>
    <message>
        <source>For example: Public holiday</source>
        <translation>Por ejemplo: día festivo</translation>
    </message>
    <message>
        <source>&amp;Add closure</source>
        <translation>&amp;Añadir cierre</translation>
    </message>
    <message>
        <source>Add the closure</source>
        <translation>Añadir el cierre</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>&amp;Eliminar…</translation>
    </message>
    <message>
        <source>Remove the selected closure</source>
        <translation>Eliminar el cierre seleccionado</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>&amp;Desde:</translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation>&amp;Hasta:</translation>
    </message>
    <message>
        <source>R&amp;eason:</source>
        <translation>Moti&amp;vo:</translation>
    </message>
    <message>
        <source>New closure (whole days, both included):</source>
        <translation>Nuevo cierre (días completos, ambos incluidos):</translation>
    </message>
    <message>
        <source>The closures could not be loaded.</source>
        <translation>No se pudieron cargar los cierres.</translation>
    </message>
    <message>
        <source>Past</source>
        <translation>Pasado</translation>
    </message>
    <message>
        <source>The last day closed is before the first.</source>
        <translation>El último día cerrado es anterior al primero.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>The closure was not added.</source>
        <translation>El cierre no se añadió.</translation>
    </message>
    <message>
        <source>Saved: closed %1 to %2.</source>
        <translation>Guardado: cerrado del %1 al %2.</translation>
    </message>
    <message>
        <source>Remove closure</source>
        <translation>Eliminar cierre</translation>
    </message>
    <message>
        <source>Open again on %1 to %2 (%3)?</source>
        <translation>¿Abrir de nuevo del %1 al %2 (%3)?</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Eliminar</translation>
    </message>
    <message>
        <source>Removing…</source>
        <translation>Eliminando…</translation>
    </message>
    <message>
        <source>The closure was not removed.</source>
        <translation>El cierre no se eliminó.</translation>
    </message>
    <message>
        <source>Removed the closure &quot;%1&quot;.</source>
        <translation>Se eliminó el cierre «%1».</translation>
    </message>
</context>
<context>
    <name>ConfirmationMail</name>
    <message>
        <source>Cancelled: your booking %1 at %2</source>
        <translation>Cancelada: su reserva %1 en %2</translation>
    </message>
    <message>
        <source>New time for your booking %1 at %2</source>
        <translation>Nueva hora para su reserva %1 en %2</translation>
    </message>
    <message>
        <source>Booking confirmed: %1 at %2</source>
        <translation>Reserva confirmada: %1 en %2</translation>
    </message>
    <message>
        <source>Confirmation code</source>
        <translation>Código de confirmación</translation>
    </message>
    <message>
        <source>Wash</source>
        <translation>Lavado</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>Vehículo</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Fin</translation>
    </message>
    <message>
        <source>Bay</source>
        <translation>Puesto</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Precio</translation>
    </message>
    <message>
        <source>You paid %1 for this booking; it is refunded to you the way you paid.</source>
        <translation>Pagó %1 por esta reserva; se le reembolsa por el mismo medio con el que pagó.</translation>
    </message>
    <message>
        <source>The attached calendar file removes the booking from your calendar.</source>
        <translation>El archivo de calendario adjunto quita la reserva de su calendario.</translation>
    </message>
    <message>
        <source>If you did not ask for this, please contact us. You are welcome to book again at any time.</source>
        <translation>Si no lo ha solicitado, póngase en contacto con nosotros. Puede volver a reservar cuando quiera.</translation>
    </message>
    <message>
        <source>Please arrive a few minutes before the start and show this code or its QR code at the desk or the kiosk.</source>
        <translation>Llegue unos minutos antes del inicio y muestre este código o su código QR en el mostrador o en el quiosco.</translation>
    </message>
    <message>
        <source>The attached calendar file adds the booking to your calendar.</source>
        <translation>El archivo de calendario adjunto añade la reserva a su calendario.</translation>
    </message>
    <message>
        <source>Your booking at %1 has been cancelled.</source>
        <translation>Su reserva en %1 ha sido cancelada.</translation>
    </message>
    <message>
        <source>Your booking at %1 has a new time. The new details:</source>
        <translation>Su reserva en %1 tiene una nueva hora. Los nuevos datos:</translation>
    </message>
    <message>
        <source>Thank you for booking at %1. Your booking is confirmed:</source>
        <translation>Gracias por reservar en %1. Su reserva está confirmada:</translation>
    </message>
    <message>
        <source>Hello %1,</source>
        <translation>Hola, %1:</translation>
    </message>
    <message>
        <source>QR code of the confirmation code %1</source>
        <translation>Código QR del código de confirmación %1</translation>
    </message>
</context>
<context>
    <name>ConnectRefusal</name>
    <message>
        <source>The database server does not accept the connection with sslmode “%1”, but answers without SSL. Change sslmode in the database settings (or in DATABASE_URL) to prefer or disable, or set up SSL on the server.</source>
        <translation>El servidor de la base de datos no acepta la conexión con sslmode «%1», pero responde sin SSL. Cambie sslmode en la configuración de la base de datos (o en DATABASE_URL) a prefer o disable, o configure SSL en el servidor.</translation>
    </message>
    <message>
        <source>The database server asks for a password for user “%1” and none is set. Enter the password in the database settings (or in DATABASE_URL).</source>
        <translation>El servidor de la base de datos pide una contraseña para el usuario «%1» y no hay ninguna. Introduzca la contraseña en la configuración de la base de datos (o en DATABASE_URL).</translation>
    </message>
    <message>
        <source>The database server refused the password for user “%1”. Enter the right password in the database settings (or in DATABASE_URL).</source>
        <translation>El servidor de la base de datos rechazó la contraseña del usuario «%1». Introduzca la contraseña correcta en la configuración de la base de datos (o en DATABASE_URL).</translation>
    </message>
    <message>
        <source>The database “%1” does not exist on the server. Check the database name in the database settings (or in DATABASE_URL).</source>
        <translation>La base de datos «%1» no existe en el servidor. Compruebe el nombre de la base de datos en la configuración de la base de datos (o en DATABASE_URL).</translation>
    </message>
    <message>
        <source>User “%1” may not connect to the database “%2”. Check the user name in the database settings, or ask the database administrator to grant it CONNECT.</source>
        <translation>El usuario «%1» no puede conectarse a la base de datos «%2». Compruebe el nombre de usuario en la configuración de la base de datos o pida al administrador de la base de datos que le conceda CONNECT.</translation>
    </message>
    <message>
        <source>The database server does not let user “%1” connect to “%2” from this computer: the user name is wrong, or the server&apos;s pg_hba.conf does not allow it. Check the user name in the database settings, or ask the database administrator to allow this computer in pg_hba.conf.</source>
        <translation>El servidor de la base de datos no deja que el usuario «%1» se conecte a «%2» desde este equipo: el nombre de usuario es incorrecto o el pg_hba.conf del servidor no lo permite. Compruebe el nombre de usuario en la configuración de la base de datos o pida al administrador de la base de datos que permita este equipo en pg_hba.conf.</translation>
    </message>
    <message>
        <source>The database servers (%1) answer, but none of them is in the role the settings ask for (target_session_attrs=%2): the primary may be down while a standby takes over. The program keeps retrying; if this lasts, ask the database administrator to check the servers&apos; failover.</source>
        <translation>Los servidores de la base de datos (%1) responden, pero ninguno tiene el papel que pide la configuración (target_session_attrs=%2): puede que el primario esté caído mientras un servidor en espera toma el relevo. El programa sigue reintentando; si esto dura, pida al administrador de la base de datos que revise la conmutación por error de los servidores.</translation>
    </message>
</context>
<context>
    <name>CustomerChanges</name>
    <message>
        <source>There is no such booking.</source>
        <translation>No existe esa reserva.</translation>
    </message>
    <message>
        <source>This booking is %1 and can no longer be cancelled.</source>
        <translation>Esta reserva está %1 y ya no se puede cancelar.</translation>
    </message>
    <message>
        <source>This booking is %1 and can no longer be moved.</source>
        <translation>Esta reserva está %1 y ya no se puede cambiar de hora.</translation>
    </message>
    <message numerus="yes">
        <source>A booking can be changed online until %n minute(s) before its start; please call or visit the car wash.</source>
        <translation>
            <numerusform>Una reserva se puede cambiar en línea hasta %n minuto antes de su inicio; llame o visite el lavadero.</numerusform>
            <numerusform>Una reserva se puede cambiar en línea hasta %n minutos antes de su inicio; llame o visite el lavadero.</numerusform>
        </translation>
    </message>
    <message>
        <source>This booking was paid at the car wash; please see the desk to cancel it and have your money back.</source>
        <translation>Esta reserva se pagó en el lavadero; acuda al mostrador para cancelarla y recuperar su dinero.</translation>
    </message>
</context>
<context>
    <name>CustomerEraser</name>
    <message>
        <source>Name the customer to forget: their ID, phone number or e-mail address.</source>
        <translation>Indique el cliente que se debe olvidar: su ID, su número de teléfono o su dirección de correo.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an e-mail address (name@example.com).</source>
        <translation>«%1» no es una dirección de correo (nombre@ejemplo.com).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a customer ID.</source>
        <translation>«%1» no es un ID de cliente.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a phone number: it needs at least 3 digits (spaces, dashes, dots, parentheses and a leading + may be among them).</source>
        <translation>«%1» no es un número de teléfono: necesita al menos 3 dígitos (puede llevar espacios, guiones, puntos, paréntesis y un + inicial).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is neither a customer ID (a number), a phone number (+1 555-0100) nor an e-mail address.</source>
        <translation>«%1» no es un ID de cliente (un número), ni un número de teléfono (+1 555-0100), ni una dirección de correo.</translation>
    </message>
    <message>
        <source>There is no customer with ID %1.</source>
        <translation>No hay ningún cliente con el ID %1.</translation>
    </message>
    <message>
        <source>No customer has the phone number %1 (compared by its digits).</source>
        <translation>Ningún cliente tiene el número de teléfono %1 (comparado por sus dígitos).</translation>
    </message>
    <message>
        <source>No customer has the e-mail address %1.</source>
        <translation>Ningún cliente tiene la dirección de correo %1.</translation>
    </message>
</context>
<context>
    <name>CustomerRepo</name>
    <message>
        <source>Search for a plate, a phone number or part of a name (1 to 100 characters).</source>
        <translation>Busque una matrícula, un número de teléfono o parte de un nombre (de 1 a 100 caracteres).</translation>
    </message>
    <message>
        <source>A plate has 2 to 10 letters or digits.</source>
        <translation>Una matrícula tiene de 2 a 10 letras o dígitos.</translation>
    </message>
</context>
<context>
    <name>DailyBackup</name>
    <message>
        <source>The backup folder %1 cannot be made; check that its disk is connected and writable, or choose another folder.</source>
        <translation>No se puede crear la carpeta de copias %1; compruebe que su disco está conectado y se puede escribir, o elija otra carpeta.</translation>
    </message>
</context>
<context>
    <name>DatabaseConfigLoader</name>
    <message>
        <source>%1 to %2</source>
        <translation>%1 a %2</translation>
    </message>
    <message>
        <source>%1 to %2 %3</source>
        <translation>%1 a %2 %3</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a number; accepted: %3.</source>
        <translation>%1: «%2» no es un número; se acepta: %3.</translation>
    </message>
    <message>
        <source>%1: %2 is out of range; accepted: %3.</source>
        <translation>%1: %2 está fuera de rango; se acepta: %3.</translation>
    </message>
    <message>
        <source>%1: %2 is above the maximum; using %3.</source>
        <translation>%1: %2 supera el máximo; se usa %3.</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a yes/no value; accepted: true, false, 1, 0.</source>
        <translation>%1: «%2» no es un valor sí/no; se acepta: true, false, 1, 0.</translation>
    </message>
    <message>
        <source>DATABASE_URL: not a URL; expected postgresql://user:password@host:5432/database.</source>
        <translation>DATABASE_URL: no es una URL; se espera postgresql://usuario:contraseña@host:5432/base_de_datos.</translation>
    </message>
    <message>
        <source>DATABASE_URL: unknown scheme &quot;%1&quot;; accepted: postgresql://, postgres://.</source>
        <translation>DATABASE_URL: esquema desconocido «%1»; se acepta: postgresql://, postgres://.</translation>
    </message>
    <message>
        <source>DATABASE_URL: host &quot;%1&quot; has no closing bracket.</source>
        <translation>DATABASE_URL: al host «%1» le falta el corchete de cierre.</translation>
    </message>
    <message>
        <source>DATABASE_URL: port &quot;%1&quot; is not valid; accepted: 1 to 65535.</source>
        <translation>DATABASE_URL: el puerto «%1» no es válido; se acepta: 1 a 65535.</translation>
    </message>
    <message>
        <source>DATABASE_URL sslmode: &quot;%1&quot; is not valid; accepted: %2.</source>
        <translation>DATABASE_URL sslmode: «%1» no es válido; se acepta: %2.</translation>
    </message>
    <message>
        <source>DATABASE_URL port: &quot;%1&quot; is not valid; accepted: 1 to 65535.</source>
        <translation>DATABASE_URL port: «%1» no es válido; se acepta: 1 a 65535.</translation>
    </message>
    <message>
        <source>DATABASE_URL %1: not used by this program; ignored.</source>
        <translation>DATABASE_URL %1: este programa no lo usa; se ignora.</translation>
    </message>
    <message>
        <source>DATABASE_URL: unknown parameter &quot;%1&quot; ignored.</source>
        <translation>DATABASE_URL: se ignora el parámetro desconocido «%1».</translation>
    </message>
    <message>
        <source>saved setting %1</source>
        <translation>ajuste guardado %1</translation>
    </message>
    <message>
        <source>DATABASE_URL: host &quot;%1&quot; holds a comma; separate several hosts with a plain comma: postgresql://host1:5432,host2:5432/database.</source>
        <translation>DATABASE_URL: el host «%1» contiene una coma; separe varios hosts con una coma sin codificar: postgresql://host1:5432,host2:5432/database.</translation>
    </message>
    <message>
        <source>DATABASE_URL target_session_attrs: &quot;%1&quot; is not valid; accepted: %2.</source>
        <translation>DATABASE_URL target_session_attrs: «%1» no es válido; se acepta: %2.</translation>
    </message>
    <message>
        <source>DATABASE_URL: %1 ports for %2 hosts; give one port for each host, or one for all.</source>
        <translation>DATABASE_URL: %1 puertos para %2 hosts; indique un puerto por host, o uno para todos.</translation>
    </message>
</context>
<context>
    <name>DatabaseHealthWatcher</name>
    <message>
        <source>Checking the database…</source>
        <translation>Comprobando la base de datos…</translation>
    </message>
    <message>
        <source>Database busy: all %1 connections are in use.</source>
        <translation>Base de datos ocupada: las %1 conexiones están en uso.</translation>
    </message>
    <message>
        <source>Database unavailable: %1</source>
        <translation>Base de datos no disponible: %1</translation>
    </message>
    <message>
        <source>Checking again every %1 s.</source>
        <translation>Se vuelve a comprobar cada %1 s.</translation>
    </message>
    <message>
        <source>Last reached at %1.</source>
        <translation>Último contacto a las %1.</translation>
    </message>
    <message>
        <source>Database connected (PostgreSQL %1), answered in %2 ms.</source>
        <translation>Base de datos conectada (PostgreSQL %1), respondió en %2 ms.</translation>
    </message>
    <message>
        <source>Connections in use: %1 of %2.</source>
        <translation>Conexiones en uso: %1 de %2.</translation>
    </message>
    <message>
        <source>Average query: %1 ms; errors: %2 %.</source>
        <translation>Consulta media: %1 ms; errores: %2 %.</translation>
    </message>
    <message>
        <source>Alert: %1</source>
        <translation>Alerta: %1</translation>
    </message>
</context>
<context>
    <name>DatabaseSettingsDialog</name>
    <message>
        <source>Database settings</source>
        <translation>Ajustes de la base de datos</translation>
    </message>
    <message>
        <source>Now using the database built into this computer. Enter a database server to share one database between desks.</source>
        <translation>Ahora se usa la base de datos integrada en este ordenador. Indique un servidor de base de datos para compartir una misma base de datos entre puestos.</translation>
    </message>
    <message>
        <source>Now using %1.</source>
        <translation>Ahora se usa %1.</translation>
    </message>
    <message>
        <source>Saved changes take effect the next time CarWash Desk starts.</source>
        <translation>Los cambios guardados se aplican la próxima vez que se inicie CarWash Desk.</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Servidor</translation>
    </message>
    <message>
        <source>host name, IP address or socket folder</source>
        <translation>nombre de host, dirección IP o carpeta del socket</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Puerto</translation>
    </message>
    <message>
        <source>Database name</source>
        <translation>Nombre de la base de datos</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Contraseña</translation>
    </message>
    <message>
        <source>Kept in the operating system&apos;s keychain, never in a file.</source>
        <translation>Se guarda en el llavero del sistema operativo, nunca en un archivo.</translation>
    </message>
    <message>
        <source>SSL mode</source>
        <translation>Modo SSL</translation>
    </message>
    <message>
        <source>Default (prefer)</source>
        <translation>Predeterminado (prefer)</translation>
    </message>
    <message>
        <source>Keychain</source>
        <translation>Llavero</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Servidor:</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>Pu&amp;erto:</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>&amp;Base de datos:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Usuario:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>&amp;Contraseña:</translation>
    </message>
    <message>
        <source>SS&amp;L mode:</source>
        <translation>Modo SS&amp;L:</translation>
    </message>
    <message>
        <source>Most connections at once</source>
        <translation>Máximo de conexiones simultáneas</translation>
    </message>
    <message>
        <source>Longest wait for a free connection, in seconds</source>
        <translation>Espera máxima hasta que quede libre una conexión, en segundos</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Longest wait to connect, in seconds</source>
        <translation>Espera máxima para conectar, en segundos</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Conexiones</translation>
    </message>
    <message>
        <source>&amp;Most at once:</source>
        <translation>&amp;Máximo simultáneo:</translation>
    </message>
    <message>
        <source>Wait to &amp;connect up to:</source>
        <translation>Esperar para co&amp;nectar hasta:</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Probar conexión</translation>
    </message>
    <message>
        <source>Without a keychain the password cannot be saved. Instead, start CarWash Desk with the password in its environment: %1</source>
        <translation>Sin llavero no se puede guardar la contraseña. En su lugar, inicie CarWash Desk con la contraseña en su entorno: %1</translation>
    </message>
    <message>
        <source>No keychain service is available on this computer. %1
%2</source>
        <translation>No hay ningún servicio de llavero disponible en este ordenador. %1
%2</translation>
    </message>
    <message>
        <source>%1 Unlock the keychain (sign in to the desktop again) and retry.
%2</source>
        <translation>%1 Desbloquee el llavero (vuelva a iniciar sesión en el escritorio) y vuelva a intentarlo.
%2</translation>
    </message>
    <message>
        <source>Looking for a saved password in the keychain…</source>
        <translation>Buscando una contraseña guardada en el llavero…</translation>
    </message>
    <message>
        <source>A password for this database is saved in the keychain.</source>
        <translation>Hay una contraseña guardada en el llavero para esta base de datos.</translation>
    </message>
    <message>
        <source>No password is saved in the keychain for this database.</source>
        <translation>No hay ninguna contraseña guardada en el llavero para esta base de datos.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Conectando con %1…</translation>
    </message>
    <message>
        <source>Could not connect to %1.
What failed: %2
%3</source>
        <translation>No se pudo conectar con %1.
Qué falló: %2
%3</translation>
    </message>
    <message>
        <source>Connected to PostgreSQL %1 at %2 in %3 ms.</source>
        <translation>Conectado a PostgreSQL %1 en %2 en %3 ms.</translation>
    </message>
    <message>
        <source>The database is empty; CarWash Desk sets it up when it starts with these settings.</source>
        <translation>La base de datos está vacía; CarWash Desk la prepara cuando se inicia con estos ajustes.</translation>
    </message>
    <message>
        <source>It holds CarWash Desk data (schema version %1).</source>
        <translation>Contiene datos de CarWash Desk (versión del esquema %1).</translation>
    </message>
    <message>
        <source>Enter the database server: a host name, an IP address or a socket folder.</source>
        <translation>Indique el servidor de base de datos: un nombre de host, una dirección IP o una carpeta de socket.</translation>
    </message>
    <message>
        <source>Enter the name of the database.</source>
        <translation>Indique el nombre de la base de datos.</translation>
    </message>
    <message>
        <source>Enter the database user.</source>
        <translation>Indique el usuario de la base de datos.</translation>
    </message>
    <message>
        <source>The settings could not be written to %1.</source>
        <translation>No se pudieron escribir los ajustes en %1.</translation>
    </message>
    <message>
        <source>Saving the password in the keychain…</source>
        <translation>Guardando la contraseña en el llavero…</translation>
    </message>
    <message>
        <source>Saved, without a password. They take effect the next time CarWash Desk starts.</source>
        <translation>Guardado, sin contraseña. Los ajustes se aplican la próxima vez que se inicie CarWash Desk.</translation>
    </message>
    <message>
        <source>Saved, with the password in the keychain. They take effect the next time CarWash Desk starts.</source>
        <translation>Guardado, con la contraseña en el llavero. Los ajustes se aplican la próxima vez que se inicie CarWash Desk.</translation>
    </message>
    <message>
        <source>The settings were saved, but not the password.
%1</source>
        <translation>Los ajustes se guardaron, pero la contraseña no.
%1</translation>
    </message>
    <message>
        <source>Wait for a &amp;free one up to:</source>
        <translation>Esperar una libre &amp;hasta:</translation>
    </message>
    <message>
        <source>Longest a query may run, in seconds; 0 for no limit</source>
        <translation>Tiempo máximo de una consulta, en segundos; 0 sin límite</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>sin límite</translation>
    </message>
    <message>
        <source>The server stops a query that runs longer, and a connection that stays silent longer (plus 10 s) is treated as broken and replaced.</source>
        <translation>El servidor detiene una consulta que dure más, y una conexión que permanezca en silencio más tiempo (más 10 s) se considera rota y se sustituye.</translation>
    </message>
    <message>
        <source>Stop a &amp;query after:</source>
        <translation>Detener una consul&amp;ta tras:</translation>
    </message>
    <message>
        <source>Could not connect to %1.
%2</source>
        <translation>No se pudo conectar con %1.
%2</translation>
    </message>
    <message>
        <source>This program takes its database from DATABASE_URL in its environment, which comes before the settings saved here. Saving here will not change the database the programs use until DATABASE_URL is removed from their environment.</source>
        <translation>Este programa toma su base de datos de DATABASE_URL en su entorno, que tiene prioridad sobre los ajustes guardados aquí. Guardar aquí no cambiará la base de datos que usan los programas hasta que se quite DATABASE_URL de su entorno.</translation>
    </message>
    <message>
        <source>This computer&apos;s site file %1 sets the database for every program, and it comes before the settings saved here. Saving here will not change the database the programs use until that file is removed.</source>
        <translation>El archivo del sitio %1 de este ordenador fija la base de datos de todos los programas y tiene prioridad sobre los ajustes guardados aquí. Guardar aquí no cambiará la base de datos que usan los programas hasta que se elimine ese archivo.</translation>
    </message>
    <message>
        <source>Where the settings in use come from</source>
        <translation>De dónde vienen los ajustes en uso</translation>
    </message>
    <message>
        <source>The longest wait for a free connection</source>
        <translation>La espera más larga por una conexión libre</translation>
    </message>
    <message>
        <source>The longest wait to connect</source>
        <translation>La espera más larga para conectar</translation>
    </message>
    <message>
        <source>The longest a query may run</source>
        <translation>El tiempo máximo que puede durar una consulta</translation>
    </message>
    <message>
        <source>%1: set by %2 in this program&apos;s environment.</source>
        <translation>%1: fijado por %2 en el entorno de este programa.</translation>
    </message>
    <message>
        <source>%1: set by %2 in DATABASE_URL.</source>
        <translation>%1: fijado por %2 en DATABASE_URL.</translation>
    </message>
    <message>
        <source>%1: set by %2 in the site file %3.</source>
        <translation>%1: fijado por %2 en el archivo del sitio %3.</translation>
    </message>
    <message>
        <source>These come before the values saved here, which change nothing for them.</source>
        <translation>Estos tienen prioridad sobre los valores guardados aquí, que no cambian nada para ellos.</translation>
    </message>
    <message>
        <source>Connection limits set outside these settings</source>
        <translation>Límites de conexión fijados fuera de esta configuración</translation>
    </message>
</context>
<context>
    <name>DatabaseStatusIndicator</name>
    <message>
        <source>Database status</source>
        <translation>Estado de la base de datos</translation>
    </message>
    <message>
        <source>Database: checking</source>
        <translation>Base de datos: comprobando</translation>
    </message>
    <message>
        <source>Database OK</source>
        <translation>Base de datos correcta</translation>
    </message>
    <message>
        <source>Database slow</source>
        <translation>Base de datos lenta</translation>
    </message>
    <message>
        <source>Database unavailable</source>
        <translation>Base de datos no disponible</translation>
    </message>
</context>
<context>
    <name>DayBoardPage</name>
    <message>
        <source>&amp;Previous day</source>
        <translation>Día &amp;anterior</translation>
    </message>
    <message>
        <source>Previous day</source>
        <translation>Día anterior</translation>
    </message>
    <message>
        <source>Show the day before (Alt+Left)</source>
        <translation>Mostrar el día anterior (Alt+Izquierda)</translation>
    </message>
    <message>
        <source>Day shown</source>
        <translation>Día mostrado</translation>
    </message>
    <message>
        <source>The day the board shows; open the calendar to pick another</source>
        <translation>El día que muestra el tablero; abra el calendario para elegir otro</translation>
    </message>
    <message>
        <source>Next day</source>
        <translation>Día siguiente</translation>
    </message>
    <message>
        <source>Show the day after (Alt+Right)</source>
        <translation>Mostrar el día siguiente (Alt+Derecha)</translation>
    </message>
    <message>
        <source>Toda&amp;y</source>
        <translation>&amp;Hoy</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Hoy</translation>
    </message>
    <message>
        <source>Show today (Ctrl+T)</source>
        <translation>Mostrar hoy (Ctrl+T)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>Ac&amp;tualizar</translation>
    </message>
    <message>
        <source>Refresh the day board</source>
        <translation>Actualizar el tablero del día</translation>
    </message>
    <message>
        <source>Load the board again (F5)</source>
        <translation>Cargar el tablero de nuevo (F5)</translation>
    </message>
    <message>
        <source>Totals for the day</source>
        <translation>Totales del día</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>No day loaded yet</source>
        <translation>Aún no se ha cargado ningún día</translation>
    </message>
    <message>
        <source>Legend of booking statuses</source>
        <translation>Leyenda de los estados de reserva</translation>
    </message>
    <message>
        <source>Free time is tinted green; closed time is hatched grey.</source>
        <translation>El tiempo libre está en verde; el tiempo cerrado, rayado en gris.</translation>
    </message>
    <message>
        <source>The day board could not be loaded. %1</source>
        <translation>No se pudo cargar el tablero del día. %1</translation>
    </message>
    <message>
        <source>Cars: %1 · Revenue: %2</source>
        <translation>Coches: %1 · Ingresos: %2</translation>
    </message>
    <message>
        <source>Not updated since %1</source>
        <translation>Sin actualizar desde las %1</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>Actualizado a las %1</translation>
    </message>
    <message>
        <source>read-only while the database is unavailable</source>
        <translation>solo lectura mientras la base de datos no está disponible</translation>
    </message>
    <message>
        <source>live</source>
        <translation>en vivo</translation>
    </message>
    <message>
        <source>polling every %1 s</source>
        <translation>consultando cada %1 s</translation>
    </message>
    <message>
        <source>D&amp;ay:</source>
        <translation>&amp;Día:</translation>
    </message>
    <message>
        <source>Ne&amp;xt day</source>
        <translation>Día &amp;siguiente</translation>
    </message>
    <message>
        <source>Money: %1 paid · %2 partly · %3 unpaid · %4 card under way · %5 look at it</source>
        <translation>Dinero: %1 pagado · %2 en parte · %3 sin pagar · %4 tarjeta en curso · %5 revisar</translation>
    </message>
</context>
<context>
    <name>DayBoardView</name>
    <message>
        <source>Day board</source>
        <translation>Tablero del día</translation>
    </message>
    <message>
        <source>Bookings per bay over the day. Use Tab or the arrow keys to move between bookings, Enter to open one, and N to book the next free time in its bay.</source>
        <translation>Reservas por box a lo largo del día. Use Tab o las flechas para moverse entre reservas, Intro para abrir una y N para reservar la siguiente hora libre en su box.</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>%1, %2 – %3, %4</source>
        <translation>%1, %2 – %3, %4</translation>
    </message>
    <message>
        <source>Bay blocked for cleaning until %1</source>
        <translation>Box bloqueado para limpieza hasta las %1</translation>
    </message>
    <message>
        <source>Held for payment until %1</source>
        <translation>Retenida para el pago hasta las %1</translation>
    </message>
    <message>
        <source>Code %1 · %2</source>
        <translation>Código %1 · %2</translation>
    </message>
    <message>
        <source>Customer: %1</source>
        <translation>Cliente: %1</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Closed all day</source>
        <translation>Cerrado todo el día</translation>
    </message>
    <message>
        <source>Closed all day: %1</source>
        <translation>Cerrado todo el día: %1</translation>
    </message>
    <message>
        <source>No bays are set up. A manager can add bays and the services they offer.</source>
        <translation>No hay boxes configurados. Un gerente puede añadir boxes y los servicios que ofrecen.</translation>
    </message>
    <message>
        <source>Read-only</source>
        <translation>Solo lectura</translation>
    </message>
    <message>
        <source>%1 free %2 – %3
Click to book from %4</source>
        <translation>%1 libre %2 – %3
Haga clic para reservar desde las %4</translation>
    </message>
    <message>
        <source>%1 free %2 – %3</source>
        <translation>%1 libre %2 – %3</translation>
    </message>
    <message>
        <source>%1 is busy (cleaning or a booking)</source>
        <translation>%1 está ocupado (limpieza o una reserva)</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Cerrado</translation>
    </message>
</context>
<context>
    <name>DbError</name>
    <message>
        <source>The database is unavailable. The program keeps retrying; check that the database server is running.</source>
        <translation>La base de datos no está disponible. El programa sigue reintentándolo; compruebe que el servidor de base de datos está en marcha.</translation>
    </message>
    <message>
        <source>The database was busy and the action could not finish. Please try again.</source>
        <translation>La base de datos estaba ocupada y la acción no pudo completarse. Vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>That time slot was just taken.</source>
        <translation>Esa franja horaria se acaba de ocupar.</translation>
    </message>
    <message>
        <source>That record already exists.</source>
        <translation>Ese registro ya existe.</translation>
    </message>
    <message>
        <source>The database refused the change because it breaks a rule.</source>
        <translation>La base de datos rechazó el cambio porque incumple una regla.</translation>
    </message>
    <message>
        <source>The database reported an error.</source>
        <translation>La base de datos informó de un error.</translation>
    </message>
    <message>
        <source>No result.</source>
        <translation>Sin resultado.</translation>
    </message>
    <message>
        <source>The database is busy: no connection became free within %1 s. Please try again.</source>
        <translation>La base de datos está ocupada: no quedó libre ninguna conexión en %1 s. Vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>The program is closing; the action was not run.</source>
        <translation>El programa se está cerrando; la acción no se ha ejecutado.</translation>
    </message>
    <message>
        <source>The PostgreSQL driver for Qt is missing. Install the package libqt6sql6-psql.</source>
        <translation>Falta el controlador de PostgreSQL para Qt. Instale el paquete libqt6sql6-psql.</translation>
    </message>
    <message>
        <source>An internal error stopped the action.</source>
        <translation>Un error interno detuvo la acción.</translation>
    </message>
    <message>
        <source>Nothing was found.</source>
        <translation>No se encontró nada.</translation>
    </message>
    <message>
        <source>The database request is malformed.</source>
        <translation>La solicitud a la base de datos está mal formada.</translation>
    </message>
    <message>
        <source>The connection pool is shutting down.</source>
        <translation>El pool de conexiones se está cerrando.</translation>
    </message>
    <message>
        <source>The database took too long to answer and stopped the action. Please try again later.</source>
        <translation>La base de datos tardó demasiado en responder y detuvo la acción. Vuelva a intentarlo más tarde.</translation>
    </message>
    <message>
        <source>The database stopped answering, so the connection was dropped. The program keeps retrying; check the network between this computer and the database server.</source>
        <translation>La base de datos dejó de responder y se cortó la conexión. El programa sigue reintentando; compruebe la red entre este equipo y el servidor de la base de datos.</translation>
    </message>
    <message>
        <source>The database refused the connection: the database settings need changing.</source>
        <translation>La base de datos rechazó la conexión: hay que cambiar la configuración de la base de datos.</translation>
    </message>
    <message>
        <source>The database server accepts only reads right now (a standby, or a failover under way). The program keeps retrying; if this lasts, the database settings must name the primary server.</source>
        <translation>El servidor de base de datos solo acepta lecturas en este momento (un servidor en espera o una conmutación por error en curso). El programa sigue reintentando; si esto continúa, la configuración de la base de datos debe indicar el servidor principal.</translation>
    </message>
</context>
<context>
    <name>DecimalInput</name>
    <message>
        <source>Type a number, such as %1.</source>
        <translation>Escriba un número, por ejemplo %1.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a number; type it like %2.</source>
        <translation>«%1» no es un número; escríbalo así: %2.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is negative; type 0 or more.</source>
        <translation>«%1» es negativo; escriba 0 o más.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; has too many decimals; type it like %2.</source>
        <translation>«%1» tiene demasiados decimales; escríbalo así: %2.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; could mean %2 or %3; type %2 without the thousands separator, or %3 with the decimal separator &quot;%4&quot;.</source>
        <translation>«%1» puede significar %2 o %3; escriba %2 sin separador de miles, o %3 con el separador decimal «%4».</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is too large.</source>
        <translation>«%1» es demasiado grande.</translation>
    </message>
</context>
<context>
    <name>DemoSeeder</name>
    <message>
        <source>Express Exterior</source>
        <translation>Exterior Exprés</translation>
    </message>
    <message>
        <source>Soft-touch tunnel wash, spot-free rinse and power dry.</source>
        <translation>Lavado en túnel con cepillos suaves, aclarado sin manchas y secado a presión.</translation>
    </message>
    <message>
        <source>Deluxe Wash</source>
        <translation>Lavado Deluxe</translation>
    </message>
    <message>
        <source>Express plus underbody flush, triple-foam polish and wheel cleaner.</source>
        <translation>Exprés más lavado de bajos, pulido de triple espuma y limpiador de llantas.</translation>
    </message>
    <message>
        <source>Ultimate Shine</source>
        <translation>Brillo Total</translation>
    </message>
    <message>
        <source>Deluxe plus hot carnauba wax, ceramic sealant, tyre shine and rain repellent.</source>
        <translation>Deluxe más cera caliente de carnauba, sellador cerámico, abrillantador de neumáticos y repelente de lluvia.</translation>
    </message>
    <message>
        <source>Interior Detail</source>
        <translation>Limpieza Interior a Fondo</translation>
    </message>
    <message>
        <source>Deep vacuum, seats and mats shampooed, dash and console cleaned, windows inside and out.</source>
        <translation>Aspirado a fondo, asientos y alfombrillas lavados con champú, salpicadero y consola limpios, cristales por dentro y por fuera.</translation>
    </message>
    <message>
        <source>Full Detail</source>
        <translation>Detallado Completo</translation>
    </message>
    <message>
        <source>Hand wash, clay bar and hand wax outside, the complete interior detail inside.</source>
        <translation>Por fuera, lavado a mano, descontaminación con clay bar y encerado a mano; por dentro, la limpieza interior a fondo completa.</translation>
    </message>
    <message>
        <source>Tyre Shine</source>
        <translation>Abrillantador de neumáticos</translation>
    </message>
    <message>
        <source>Hot Carnauba Wax</source>
        <translation>Cera caliente de carnauba</translation>
    </message>
    <message>
        <source>Rain Repellent Glass Treatment</source>
        <translation>Tratamiento repelente de lluvia para cristales</translation>
    </message>
    <message>
        <source>Pet Hair Removal</source>
        <translation>Eliminación de pelo de mascotas</translation>
    </message>
    <message>
        <source>Odour Eliminator</source>
        <translation>Eliminador de olores</translation>
    </message>
    <message>
        <source>Leather Conditioning</source>
        <translation>Tratamiento de cuero</translation>
    </message>
    <message>
        <source>Engine Bay Detail</source>
        <translation>Limpieza del compartimento del motor</translation>
    </message>
    <message>
        <source>Tunnel Lane 1</source>
        <translation>Túnel de lavado 1</translation>
    </message>
    <message>
        <source>Tunnel Lane 2</source>
        <translation>Túnel de lavado 2</translation>
    </message>
    <message>
        <source>Detail Bay A</source>
        <translation>Box de detallado A</translation>
    </message>
    <message>
        <source>Detail Bay B</source>
        <translation>Box de detallado B</translation>
    </message>
    <message>
        <source>Christmas Day</source>
        <translation>Día de Navidad</translation>
    </message>
    <message>
        <source>New Year&apos;s Day</source>
        <translation>Año Nuevo</translation>
    </message>
    <message>
        <source>Sparkle Auto Spa</source>
        <translation>Autolavado Sparkle</translation>
    </message>
</context>
<context>
    <name>DeskApplication</name>
    <message>
        <source>Reading the settings…</source>
        <translation>Leyendo los ajustes…</translation>
    </message>
    <message>
        <source>The database settings are not valid: %1</source>
        <translation>Los ajustes de la base de datos no son válidos: %1</translation>
    </message>
    <message>
        <source>Correct DATABASE_URL or the variables named above, then press Retry.</source>
        <translation>Corrija DATABASE_URL o las variables indicadas arriba y pulse Reintentar.</translation>
    </message>
    <message>
        <source>Reading the database password from the keychain…</source>
        <translation>Leyendo la contraseña de la base de datos del llavero…</translation>
    </message>
    <message>
        <source>Starting the database…</source>
        <translation>Iniciando la base de datos…</translation>
    </message>
    <message>
        <source>Connecting to the database at %1…</source>
        <translation>Conectando con la base de datos en %1…</translation>
    </message>
    <message>
        <source>Preparing the database…</source>
        <translation>Preparando la base de datos…</translation>
    </message>
    <message>
        <source>the database on this computer</source>
        <translation>la base de datos de este ordenador</translation>
    </message>
    <message>
        <source>CarWash Desk cannot reach its database (%1).</source>
        <translation>CarWash Desk no puede acceder a su base de datos (%1).</translation>
    </message>
</context>
<context>
    <name>DeskWindow</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>Not connected to the database.</source>
        <translation>Sin conexión con la base de datos.</translation>
    </message>
    <message>
        <source>Database unavailable — retrying</source>
        <translation>Base de datos no disponible — reintentando</translation>
    </message>
    <message>
        <source>CarWash Desk checks again every few seconds and carries on by itself when the database is back; what is on screen stays as it was. If this lasts, check that the database server is running and this computer is on the network.</source>
        <translation>CarWash Desk vuelve a comprobarlo cada pocos segundos y continúa por sí solo cuando vuelve la base de datos; lo que hay en pantalla se mantiene como estaba. Si esto se prolonga, compruebe que el servidor de base de datos está en marcha y que este ordenador está conectado a la red.</translation>
    </message>
    <message>
        <source>CarWash Desk — %1</source>
        <translation>CarWash Desk — %1</translation>
    </message>
    <message>
        <source>%1 was signed out after %2 min without activity.</source>
        <translation>Se cerró la sesión de %1 tras %2 min sin actividad.</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>Área de trabajo</translation>
    </message>
    <message>
        <source>Day &amp;board</source>
        <translation>&amp;Tablero del día</translation>
    </message>
    <message>
        <source>Bookings per bay over the day (Ctrl+1)</source>
        <translation>Reservas por box a lo largo del día (Ctrl+1)</translation>
    </message>
    <message>
        <source>&amp;Wash menu</source>
        <translation>&amp;Carta de lavados</translation>
    </message>
    <message>
        <source>Wash packages and prices (Ctrl+2)</source>
        <translation>Paquetes de lavado y precios (Ctrl+2)</translation>
    </message>
    <message>
        <source>This car wash was set up at another desk meanwhile, so nothing was written here. Sign in with the name and PIN given there.</source>
        <translation>Mientras tanto este autolavado se configuró en otro mostrador, así que aquí no se guardó nada. Inicie sesión con el nombre y el PIN que se dieron allí.</translation>
    </message>
</context>
<context>
    <name>DiagnosticsCharts</name>
    <message>
        <source>Pool usage</source>
        <translation>Uso del pool</translation>
    </message>
    <message>
        <source>connections</source>
        <translation>conexiones</translation>
    </message>
    <message>
        <source>active</source>
        <translation>activas</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>libres</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>en espera</translation>
    </message>
    <message>
        <source>maximum</source>
        <translation>máximo</translation>
    </message>
    <message>
        <source>Query latency</source>
        <translation>Latencia de consultas</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>average</source>
        <translation>media</translation>
    </message>
    <message>
        <source>95th percentile</source>
        <translation>percentil 95</translation>
    </message>
    <message>
        <source>Error rate</source>
        <translation>Tasa de errores</translation>
    </message>
    <message>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <source>errors</source>
        <translation>errores</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Memoria</translation>
    </message>
    <message>
        <source>MiB</source>
        <translation>MiB</translation>
    </message>
    <message>
        <source>process RSS (MiB)</source>
        <translation>RSS del proceso (MiB)</translation>
    </message>
    <message>
        <source>system used %</source>
        <translation>% usado del sistema</translation>
    </message>
    <message>
        <source>system used (%)</source>
        <translation>sistema usado (%)</translation>
    </message>
</context>
<context>
    <name>DiagnosticsModel</name>
    <message>
        <source>%1 on %2 (pid %3)</source>
        <translation>%1 en %2 (pid %3)</translation>
    </message>
    <message>
        <source>This process</source>
        <translation>Este proceso</translation>
    </message>
    <message>
        <source>All processes</source>
        <translation>Todos los procesos</translation>
    </message>
    <message>
        <source>%1 (this process)</source>
        <translation>%1 (este proceso)</translation>
    </message>
    <message>
        <source>The database could not be reached at the last probe.</source>
        <translation>No se pudo contactar con la base de datos en la última comprobación.</translation>
    </message>
    <message>
        <source>%1 &quot;%2&quot; on %3 (pid %4)</source>
        <translation>%1 «%2» en %3 (pid %4)</translation>
    </message>
</context>
<context>
    <name>DiagnosticsWindow</name>
    <message>
        <source>environment</source>
        <translation>entorno</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>saved settings</source>
        <translation>ajustes guardados</translation>
    </message>
    <message>
        <source>default</source>
        <translation>predeterminado</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>Diagnóstico</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Proceso</translation>
    </message>
    <message>
        <source>This process</source>
        <translation>Este proceso</translation>
    </message>
    <message>
        <source>All processes</source>
        <translation>Todos los procesos</translation>
    </message>
    <message>
        <source>&amp;Process:</source>
        <translation>&amp;Proceso:</translation>
    </message>
    <message>
        <source>Chart window</source>
        <translation>Ventana del gráfico</translation>
    </message>
    <message>
        <source>5 minutes</source>
        <translation>5 minutos</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 hora</translation>
    </message>
    <message>
        <source>Chart &amp;window:</source>
        <translation>&amp;Ventana del gráfico:</translation>
    </message>
    <message>
        <source>&amp;Save diagnostics…</source>
        <translation>&amp;Guardar diagnóstico…</translation>
    </message>
    <message>
        <source>Save diagnostics</source>
        <translation>Guardar diagnóstico</translation>
    </message>
    <message>
        <source>A JSON file with health history, slow queries, errors and configuration (no passwords), and a picture of the charts</source>
        <translation>Un archivo JSON con el historial de salud, consultas lentas, errores y configuración (sin contraseñas), y una imagen de los gráficos</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Cerrar</translation>
    </message>
    <message>
        <source>Overall</source>
        <translation>General</translation>
    </message>
    <message>
        <source>C&amp;harts</source>
        <translation>G&amp;ráficos</translation>
    </message>
    <message>
        <source>Slow queries</source>
        <translation>Consultas lentas</translation>
    </message>
    <message>
        <source>Slow &amp;queries</source>
        <translation>Consultas &amp;lentas</translation>
    </message>
    <message>
        <source>Recent errors</source>
        <translation>Errores recientes</translation>
    </message>
    <message>
        <source>&amp;Errors</source>
        <translation>&amp;Errores</translation>
    </message>
    <message>
        <source>Processes and pool sizing</source>
        <translation>Procesos y tamaño del pool</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Jobs/s</source>
        <translation>Trabajos/s</translation>
    </message>
    <message>
        <source>Mean hold</source>
        <translation>Retención media</translation>
    </message>
    <message>
        <source>In use (λW)</source>
        <translation>En uso (λW)</translation>
    </message>
    <message>
        <source>connection_limit</source>
        <translation>connection_limit</translation>
    </message>
    <message>
        <source>Suggested</source>
        <translation>Sugerido</translation>
    </message>
    <message>
        <source>Processes &amp;&amp; si&amp;zing</source>
        <translation>Procesos y &amp;tamaño</translation>
    </message>
    <message>
        <source>Limits in force</source>
        <translation>Límites vigentes</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>Ajuste</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valor</translation>
    </message>
    <message>
        <source>Comes from</source>
        <translation>Procede de</translation>
    </message>
    <message>
        <source>Con&amp;figuration</source>
        <translation>Con&amp;figuración</translation>
    </message>
    <message>
        <source>%1 has stopped publishing its health (stale).</source>
        <translation>%1 ha dejado de publicar su estado (obsoleto).</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>Actualizado a las %1</translation>
    </message>
    <message>
        <source>Waiting for the first measurement…</source>
        <translation>Esperando la primera medición…</translation>
    </message>
    <message>
        <source>%1 Other processes cannot be read: %2</source>
        <translation>%1 No se pueden leer los demás procesos: %2</translation>
    </message>
    <message>
        <source>Alert: %1</source>
        <translation>Alerta: %1</translation>
    </message>
    <message numerus="yes">
        <source>The light stays red until the signal has been healthy for %n second(s).</source>
        <translation>
            <numerusform>La luz sigue en rojo hasta que la señal esté sana durante %n segundo.</numerusform>
            <numerusform>La luz sigue en rojo hasta que la señal esté sana durante %n segundos.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 — stale, last seen %2 s ago</source>
        <translation>%1 — obsoleto, visto por última vez hace %2 s</translation>
    </message>
    <message>
        <source>%1 — gone</source>
        <translation>%1 — desaparecido</translation>
    </message>
    <message>
        <source>%1 (raise)</source>
        <translation>%1 (aumentar)</translation>
    </message>
    <message>
        <source>%1 (could lower)</source>
        <translation>%1 (se podría reducir)</translation>
    </message>
    <message>
        <source>%1 (enough)</source>
        <translation>%1 (suficiente)</translation>
    </message>
    <message>
        <source>publishing</source>
        <translation>publicando</translation>
    </message>
    <message>
        <source>live</source>
        <translation>en vivo</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>stale, last seen %1 s ago</source>
        <translation>obsoleto, visto por última vez hace %1 s</translation>
    </message>
    <message>
        <source>The server&apos;s connection limit is not known yet.</source>
        <translation>Todavía no se conoce el límite de conexiones del servidor.</translation>
    </message>
    <message>
        <source>Pools of the processes above: %1 connections now, %2 suggested; the server allows %3 (max_connections %4 minus %5 reserved for superusers), %6 in use by every client.</source>
        <translation>Pools de los procesos de arriba: %1 conexiones ahora, %2 sugeridas; el servidor admite %3 (max_connections %4 menos %5 reservadas para superusuarios), %6 en uso por todos los clientes.</translation>
    </message>
    <message>
        <source>The suggested total does not fit: raise max_connections or put PgBouncer in front.</source>
        <translation>El total sugerido no cabe: aumente max_connections o ponga PgBouncer delante.</translation>
    </message>
    <message>
        <source>The current total does not fit the server.</source>
        <translation>El total actual no cabe en el servidor.</translation>
    </message>
    <message>
        <source>Pick one process to see its configuration.</source>
        <translation>Elija un proceso para ver su configuración.</translation>
    </message>
    <message>
        <source>This process has not published its configuration.</source>
        <translation>Este proceso no ha publicado su configuración.</translation>
    </message>
    <message>
        <source>Database: the embedded server on this computer (%1)</source>
        <translation>Base de datos: el servidor integrado en este equipo (%1)</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Base de datos: %1</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Diagnostics (*.json)</source>
        <translation>Diagnóstico (*.json)</translation>
    </message>
    <message>
        <source>Choose a folder you may write to and try again.</source>
        <translation>Elija una carpeta en la que pueda escribir e inténtelo de nuevo.</translation>
    </message>
    <message>
        <source>The diagnostics could not be saved to %1: %2</source>
        <translation>No se pudo guardar el diagnóstico en %1: %2</translation>
    </message>
    <message>
        <source>The chart picture could not be saved to %1.</source>
        <translation>No se pudo guardar la imagen de los gráficos en %1.</translation>
    </message>
    <message>
        <source>CarWash Desk %1</source>
        <translation>CarWash Desk %1</translation>
    </message>
    <message>
        <source>site file</source>
        <translation>archivo de la sede</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <source>Paid, thank you!</source>
        <translation>¡Pagado, gracias!</translation>
    </message>
    <message>
        <source>Booked, thank you!</source>
        <translation>¡Reservado, gracias!</translation>
    </message>
    <message>
        <source>Done, booking %1</source>
        <translation>Terminado, reserva %1</translation>
    </message>
    <message>
        <source>Your confirmation code: %1</source>
        <translation>Su código de confirmación: %1</translation>
    </message>
    <message>
        <source>%1 for your %2, plate %3
%4 at %5</source>
        <translation>%1 para su %2, matrícula %3
%4 en %5</translation>
    </message>
    <message>
        <source>Please pay %1 at the desk.</source>
        <translation>Pague %1 en el mostrador, por favor.</translation>
    </message>
    <message>
        <source>Drive to %1</source>
        <translation>Diríjase a %1</translation>
    </message>
    <message>
        <source>QR code of your confirmation code</source>
        <translation>Código QR de su código de confirmación</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Terminar</translation>
    </message>
    <message>
        <source>Back to the start</source>
        <translation>Volver al inicio</translation>
    </message>
    <message>
        <source>Your receipt is printing.</source>
        <translation>Su recibo se está imprimiendo.</translation>
    </message>
    <message>
        <source>Please take your receipt.</source>
        <translation>Tome su recibo, por favor.</translation>
    </message>
    <message>
        <source>Your receipt could not be printed; the desk can print it for you.</source>
        <translation>Su recibo no se pudo imprimir; en el mostrador se lo pueden imprimir.</translation>
    </message>
</context>
<context>
    <name>EmbeddedServer</name>
    <message>
        <source>The Qt PostgreSQL driver is missing; install it with: apt-get install libqt6sql6-psql</source>
        <translation>Falta el controlador de PostgreSQL para Qt; instálelo con: apt-get install libqt6sql6-psql</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the private database; check that it is writable.</source>
        <translation>No se puede crear la carpeta %1 para la base de datos privada; compruebe que se puede escribir en ella.</translation>
    </message>
    <message>
        <source>The private database server did not stop. Read %1 for the reason, then try again.</source>
        <translation>El servidor de la base de datos privada no se detuvo. Consulte %1 para ver el motivo y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>PostgreSQL server binaries not found; install them with: apt-get install postgresql postgresql-contrib</source>
        <translation>No se encuentran los programas del servidor PostgreSQL; instálelos con: apt-get install postgresql postgresql-contrib</translation>
    </message>
    <message>
        <source>The private database was created by PostgreSQL %1, but the installed server is PostgreSQL %2; install the matching server with: apt-get install postgresql-%1</source>
        <translation>La base de datos privada se creó con PostgreSQL %1, pero el servidor instalado es PostgreSQL %2; instale el servidor correspondiente con: apt-get install postgresql-%1</translation>
    </message>
    <message>
        <source>PostgreSQL refuses to run as root and the postgres system user does not exist; install the server with: apt-get install postgresql postgresql-contrib, or run the program as an ordinary user.</source>
        <translation>PostgreSQL se niega a ejecutarse como root y el usuario de sistema postgres no existe; instale el servidor con: apt-get install postgresql postgresql-contrib, o ejecute el programa como usuario normal.</translation>
    </message>
    <message>
        <source>PostgreSQL refuses to run as root, and runuser, needed to start it as the postgres user, is missing; install it with: apt-get install util-linux</source>
        <translation>PostgreSQL se niega a ejecutarse como root y falta runuser, necesario para iniciarlo como el usuario postgres; instálelo con: apt-get install util-linux</translation>
    </message>
    <message>
        <source>Cannot prepare the folder %1 for the private database; check its owner and permissions, or remove it and start the program again.</source>
        <translation>No se puede preparar la carpeta %1 para la base de datos privada; compruebe su propietario y sus permisos, o elimínela y vuelva a iniciar el programa.</translation>
    </message>
    <message>
        <source>CarWash Desk keeps its private PostgreSQL database in the folder above. PostgreSQL refuses to run as root, so the server runs as the postgres system user, which cannot enter this folder.</source>
        <translation>CarWash Desk guarda su base de datos PostgreSQL privada en la carpeta indicada arriba. PostgreSQL se niega a ejecutarse como root, así que el servidor se ejecuta como el usuario de sistema postgres, que no puede entrar en esta carpeta.</translation>
    </message>
    <message>
        <source>The folder %1 is not empty but holds no PostgreSQL database; move it away and start the program again.</source>
        <translation>La carpeta %1 no está vacía, pero no contiene ninguna base de datos PostgreSQL; muévala a otro sitio y vuelva a iniciar el programa.</translation>
    </message>
    <message>
        <source>The private database could not be created in %1. Check that the disk has free space and the folder is writable, then start the program again.</source>
        <translation>No se pudo crear la base de datos privada en %1. Compruebe que hay espacio libre en el disco y que se puede escribir en la carpeta, y vuelva a iniciar el programa.</translation>
    </message>
    <message>
        <source>Cannot write the settings of the private database in %1; check that the disk has free space.</source>
        <translation>No se pueden escribir los ajustes de la base de datos privada en %1; compruebe que hay espacio libre en el disco.</translation>
    </message>
    <message>
        <source>Cannot move the new database into %1; check the folder&apos;s permissions.</source>
        <translation>No se puede mover la nueva base de datos a %1; compruebe los permisos de la carpeta.</translation>
    </message>
    <message>
        <source>Cannot give the settings file %1 to the postgres user.</source>
        <translation>No se puede ceder el archivo de ajustes %1 al usuario postgres.</translation>
    </message>
    <message>
        <source>Processes of an earlier database server are still running in %1; wait a moment or end them, then start the program again.</source>
        <translation>Todavía hay procesos de un servidor de base de datos anterior en marcha en %1; espere un momento o termínelos y vuelva a iniciar el programa.</translation>
    </message>
    <message>
        <source>The private database server did not start. Read %1 for the reason; if the disk is full or the folder is not writable, fix that and start the program again.</source>
        <translation>El servidor de la base de datos privada no arrancó. Consulte %1 para ver el motivo; si el disco está lleno o no se puede escribir en la carpeta, corríjalo y vuelva a iniciar el programa.</translation>
    </message>
    <message>
        <source>The private database server is running but does not accept connections. Read %1 for the reason, then start the program again.</source>
        <translation>El servidor de la base de datos privada está en marcha, pero no acepta conexiones. Consulte %1 para ver el motivo y vuelva a iniciar el programa.</translation>
    </message>
    <message>
        <source>The PostgreSQL extension btree_gist is missing; install it with: apt-get install postgresql-contrib</source>
        <translation>Falta la extensión btree_gist de PostgreSQL; instálela con: apt-get install postgresql-contrib</translation>
    </message>
    <message>
        <source>Cannot create the lock file %1; check that the folder is writable.</source>
        <translation>No se puede crear el archivo de bloqueo %1; compruebe que se puede escribir en la carpeta.</translation>
    </message>
    <message>
        <source>Another CarWash Desk program is still starting or stopping the private database. Wait a moment and try again; if this persists, close the other programs and remove %1.</source>
        <translation>Otro programa de CarWash Desk todavía está iniciando o deteniendo la base de datos privada. Espere un momento y vuelva a intentarlo; si el problema persiste, cierre los demás programas y elimine %1.</translation>
    </message>
</context>
<context>
    <name>ErrorBanner</name>
    <message>
        <source>Problem</source>
        <translation>Problema</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>&amp;Reintentar</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Reintentar</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Descartar</translation>
    </message>
    <message>
        <source>Dismiss this message</source>
        <translation>Descartar este mensaje</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>Check that the database server is running and this computer is on the network, then press Retry.</source>
        <translation>Compruebe que el servidor de base de datos está en marcha y que este ordenador está conectado a la red, y pulse Reintentar.</translation>
    </message>
    <message>
        <source>The database is busy. Wait a moment and press Retry.</source>
        <translation>La base de datos está ocupada. Espere un momento y pulse Reintentar.</translation>
    </message>
    <message>
        <source>The database settings are not right. A manager can correct them under Settings, or start the program with DATABASE_URL set.</source>
        <translation>Los ajustes de la base de datos no son correctos. Un gerente puede corregirlos en Ajustes, o inicie el programa con DATABASE_URL definida.</translation>
    </message>
    <message>
        <source>The program is closing.</source>
        <translation>El programa se está cerrando.</translation>
    </message>
    <message>
        <source>Check what you entered and try again.</source>
        <translation>Compruebe los datos introducidos y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>Press Retry. If it happens again, tell your manager: %1</source>
        <translation>Pulse Reintentar. Si vuelve a ocurrir, comuníqueselo a su gerente: %1</translation>
    </message>
    <message>
        <source>%1
Detail: %2</source>
        <translation>%1
Detalle: %2</translation>
    </message>
</context>
<context>
    <name>FindDialog</name>
    <message>
        <source>Find a booking</source>
        <translation>Buscar una reserva</translation>
    </message>
    <message>
        <source>&amp;Find:</source>
        <translation>&amp;Buscar:</translation>
    </message>
    <message>
        <source>Plate, phone, name or confirmation code</source>
        <translation>Matrícula, teléfono, nombre o código de confirmación</translation>
    </message>
    <message>
        <source>Search status</source>
        <translation>Estado de la búsqueda</translation>
    </message>
    <message>
        <source>Bookings found</source>
        <translation>Reservas encontradas</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Código</translation>
    </message>
    <message>
        <source>Plate</source>
        <translation>Matrícula</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Servicio</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Abrir</translation>
    </message>
    <message>
        <source>Open the chosen booking</source>
        <translation>Abrir la reserva elegida</translation>
    </message>
    <message>
        <source>Open the highlighted booking (Enter)</source>
        <translation>Abrir la reserva resaltada (Intro)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message numerus="yes">
        <source>Type at least %n character(s): a plate, a phone number, a name or a confirmation code.</source>
        <translation>
            <numerusform>Escriba al menos %n carácter: una matrícula, un teléfono, un nombre o un código de confirmación.</numerusform>
            <numerusform>Escriba al menos %n caracteres: una matrícula, un teléfono, un nombre o un código de confirmación.</numerusform>
        </translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Buscando…</translation>
    </message>
    <message>
        <source>Searching failed. %1</source>
        <translation>La búsqueda falló. %1</translation>
    </message>
    <message>
        <source>Searching failed; the last results stay on show.</source>
        <translation>La búsqueda falló; se siguen mostrando los últimos resultados.</translation>
    </message>
    <message>
        <source>No booking matches &quot;%1&quot;.</source>
        <translation>Ninguna reserva coincide con «%1».</translation>
    </message>
    <message numerus="yes">
        <source>%n booking(s) found. Up and Down choose, Enter opens.</source>
        <translation>
            <numerusform>%n reserva encontrada. Arriba y Abajo eligen, Intro abre.</numerusform>
            <numerusform>%n reservas encontradas. Arriba y Abajo eligen, Intro abre.</numerusform>
        </translation>
    </message>
    <message>
        <source>Showing the %1 bookings nearest to today; type more to narrow the search.</source>
        <translation>Se muestran las %1 reservas más cercanas a hoy; escriba más para acotar la búsqueda.</translation>
    </message>
</context>
<context>
    <name>FirstRun</name>
    <message>
        <source>Type the car wash&apos;s name.</source>
        <translation>Escriba el nombre del autolavado.</translation>
    </message>
    <message>
        <source>Type the manager&apos;s name (1 to 100 characters).</source>
        <translation>Escriba el nombre del gerente (de 1 a 100 caracteres).</translation>
    </message>
    <message>
        <source>The menu needs 1 to %1 washes.</source>
        <translation>La carta necesita de 1 a %1 lavados.</translation>
    </message>
    <message>
        <source>The car wash needs 1 to %1 bays or lanes.</source>
        <translation>El autolavado necesita de 1 a %1 boxes o túneles.</translation>
    </message>
    <message>
        <source>This database has washes already, so the demo&apos;s cannot be added. Choose your own washes instead.</source>
        <translation>Esta base de datos ya tiene lavados, así que no se pueden añadir los de la demostración. Elija sus propios lavados.</translation>
    </message>
    <message>
        <source>Bay %1</source>
        <translation>Box %1</translation>
    </message>
</context>
<context>
    <name>FirstRunPage</name>
    <message>
        <source>Problem</source>
        <translation>Problema</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>&amp;Open the car wash</source>
        <translation>&amp;Abrir el autolavado</translation>
    </message>
    <message>
        <source>Welcome to CarWash Desk</source>
        <translation>Bienvenido a CarWash Desk</translation>
    </message>
    <message>
        <source>Nobody is on the staff list yet, so this is a new car wash. A few questions set it up; every answer can be changed later. First, the car wash itself.</source>
        <translation>Todavía no hay nadie en la lista de personal, así que este es un autolavado nuevo. Unas pocas preguntas lo configuran; cada respuesta se puede cambiar después. Primero, el propio autolavado.</translation>
    </message>
    <message>
        <source>Currency and tax</source>
        <translation>Moneda e impuestos</translation>
    </message>
    <message>
        <source>What prices are in, and the tax the receipts show.</source>
        <translation>En qué moneda están los precios y qué impuesto muestran los recibos.</translation>
    </message>
    <message>
        <source>Opening hours</source>
        <translation>Horario de apertura</translation>
    </message>
    <message>
        <source>When customers can book. Holidays are added later under Manage, Site setup.</source>
        <translation>Cuándo pueden reservar los clientes. Los festivos se añaden después en Gestionar, Configuración del local.</translation>
    </message>
    <message>
        <source>The first manager</source>
        <translation>El primer gerente</translation>
    </message>
    <message>
        <source>You, most likely.</source>
        <translation>Seguramente usted.</translation>
    </message>
    <message>
        <source>Wash menu</source>
        <translation>Carta de lavados</translation>
    </message>
    <message>
        <source>What customers choose from, at the desk and the kiosk.</source>
        <translation>Entre qué eligen los clientes, en el mostrador y en el quiosco.</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Listo</translation>
    </message>
    <message>
        <source>This is what will be set up.</source>
        <translation>Esto es lo que se configurará.</translation>
    </message>
    <message>
        <source>The car wash could not be set up. %1</source>
        <translation>No se pudo configurar el autolavado. %1</translation>
    </message>
    <message>
        <source>Nothing was set up: %1</source>
        <translation>No se configuró nada: %1</translation>
    </message>
    <message>
        <source>The set-up did not finish: %1 %2</source>
        <translation>La configuración no terminó: %1 %2</translation>
    </message>
</context>
<context>
    <name>HealthAlerts</name>
    <message>
        <source>Pool usage</source>
        <translation>Uso del pool</translation>
    </message>
    <message>
        <source>Average query time</source>
        <translation>Tiempo medio de consulta</translation>
    </message>
    <message>
        <source>Error rate</source>
        <translation>Tasa de errores</translation>
    </message>
    <message>
        <source>Database reachable</source>
        <translation>Base de datos accesible</translation>
    </message>
    <message>
        <source>Memory used</source>
        <translation>Memoria usada</translation>
    </message>
    <message>
        <source>not measured yet</source>
        <translation>aún sin medir</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>sí</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
    <message>
        <source>healthy below %1 %, alert above %2 %</source>
        <translation>sano por debajo de %1 %, alerta por encima de %2 %</translation>
    </message>
    <message>
        <source>healthy below %1 ms, alert above %2 ms</source>
        <translation>sano por debajo de %1 ms, alerta por encima de %2 ms</translation>
    </message>
    <message>
        <source>healthy: yes, alert: no</source>
        <translation>sano: sí, alerta: no</translation>
    </message>
    <message>
        <source>alert above %1 %</source>
        <translation>alerta por encima de %1 %</translation>
    </message>
    <message>
        <source>The database cannot be reached.</source>
        <translation>No se puede contactar con la base de datos.</translation>
    </message>
    <message>
        <source>%1 is %2, above the alert level (%3).</source>
        <translation>%1 es %2, por encima del nivel de alerta (%3).</translation>
    </message>
</context>
<context>
    <name>HealthLight</name>
    <message>
        <source>Waiting for data</source>
        <translation>Esperando datos</translation>
    </message>
    <message>
        <source>Alert (recovering)</source>
        <translation>Alerta (recuperándose)</translation>
    </message>
    <message>
        <source>Healthy</source>
        <translation>Sano</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Aviso</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>Alerta</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Degradado</translation>
    </message>
    <message>
        <source>Unhealthy</source>
        <translation>Con fallos</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>HoursFirstRunPage</name>
    <message>
        <source>Times are in the site&apos;s time zone. Separate ranges with commas for a break, for example 08:00-12:00, 12:30-18:00; 24:00 closes at midnight.</source>
        <translation>Las horas están en la zona horaria del local. Separe los tramos con comas para una pausa, por ejemplo 08:00-12:00, 12:30-18:00; 24:00 cierra a medianoche.</translation>
    </message>
</context>
<context>
    <name>HttpExchange</name>
    <message>
        <source>The server is shutting down; try again in a moment.</source>
        <translation>El servidor se está cerrando; inténtelo de nuevo en un momento.</translation>
    </message>
</context>
<context>
    <name>KeychainRequest</name>
    <message>
        <source>There is no desktop session bus (D-Bus) to reach a keychain through (%1).</source>
        <translation>No hay ningún bus de sesión del escritorio (D-Bus) a través del cual llegar a un llavero (%1).</translation>
    </message>
    <message>
        <source>The desktop session bus (D-Bus) does not answer.</source>
        <translation>El bus de sesión del escritorio (D-Bus) no responde.</translation>
    </message>
    <message>
        <source>No keychain service (GNOME Keyring, KWallet or another Secret Service) runs in this session.</source>
        <translation>En esta sesión no se ejecuta ningún servicio de llavero (GNOME Keyring, KWallet u otro Secret Service).</translation>
    </message>
    <message numerus="yes">
        <source>The keychain did not answer within %n second(s). It may be locked and waiting for a password prompt that nobody can see.</source>
        <translation>
            <numerusform>El llavero no respondió en %n segundo. Puede que esté bloqueado, esperando una petición de contraseña que nadie ve.</numerusform>
            <numerusform>El llavero no respondió en %n segundos. Puede que esté bloqueado, esperando una petición de contraseña que nadie ve.</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing is stored in the keychain under %1.</source>
        <translation>No hay nada guardado en el llavero con el nombre %1.</translation>
    </message>
    <message>
        <source>The keychain refused access: %1</source>
        <translation>El llavero denegó el acceso: %1</translation>
    </message>
    <message>
        <source>No keychain service is available: %1</source>
        <translation>No hay ningún servicio de llavero disponible: %1</translation>
    </message>
    <message>
        <source>The keychain reported an error: %1</source>
        <translation>El llavero informó de un error: %1</translation>
    </message>
</context>
<context>
    <name>KioskIdleOverlay</name>
    <message numerus="yes">
        <source>The screen starts over in %n second(s).</source>
        <translation>
            <numerusform>La pantalla vuelve a empezar en %n segundo.</numerusform>
            <numerusform>La pantalla vuelve a empezar en %n segundos.</numerusform>
        </translation>
    </message>
    <message>
        <source>Still there?</source>
        <translation>¿Sigue ahí?</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Continuar</translation>
    </message>
    <message>
        <source>Keeps what you chose and goes on where you were.</source>
        <translation>Conserva lo que eligió y sigue donde estaba.</translation>
    </message>
</context>
<context>
    <name>KioskRepo</name>
    <message>
        <source>What the kiosk shows may have at most %1 characters.</source>
        <translation>Lo que muestra el quiosco puede tener como máximo %1 caracteres.</translation>
    </message>
    <message>
        <source>There is no attendant call %1.</source>
        <translation>No existe la llamada %1.</translation>
    </message>
    <message>
        <source>Give the kiosk a name people recognise it by, such as &quot;Entrance&quot;.</source>
        <translation>Dé al quiosco un nombre por el que se le reconozca, como «Entrada».</translation>
    </message>
    <message>
        <source>A kiosk&apos;s name may not begin or end with a space.</source>
        <translation>El nombre de un quiosco no puede empezar ni terminar con un espacio.</translation>
    </message>
    <message>
        <source>A kiosk&apos;s name may have at most %1 characters.</source>
        <translation>El nombre de un quiosco puede tener como máximo %1 caracteres.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a kiosk language; use one of: %2.</source>
        <translation>«%1» no es un idioma de quiosco; use uno de: %2.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a way of paying at a kiosk; use one or more of: %2.</source>
        <translation>«%1» no es una forma de pago en el quiosco; use una o varias de: %2.</translation>
    </message>
    <message>
        <source>A kiosk needs at least one way of paying; use one or more of: %1.</source>
        <translation>Un quiosco necesita al menos una forma de pago; use una o varias de: %1.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a Stripe reader ID: those look like tmr_FDOt2wlRZEdpd7 (see: carwash-admin reader list).</source>
        <translation>«%1» no es un ID de lector de Stripe: tienen la forma tmr_FDOt2wlRZEdpd7 (vea: carwash-admin reader list).</translation>
    </message>
    <message>
        <source>There is no card reader %1 (see: carwash-admin reader list).</source>
        <translation>No existe el lector de tarjetas %1 (vea: carwash-admin reader list).</translation>
    </message>
    <message>
        <source>Reader %1 serves the %2; a reader serves one desk or kiosk. Unassign it there first.</source>
        <translation>El lector %1 sirve al %2; un lector sirve a un solo mostrador o quiosco. Quite primero esa asignación.</translation>
    </message>
</context>
<context>
    <name>KioskSpeech</name>
    <message>
        <source>Speech on. Press 4 or 6 to move, 5 to choose, 0 to repeat.</source>
        <translation>Voz activada. Pulse 4 o 6 para moverse, 5 para elegir, 0 para repetir.</translation>
    </message>
    <message>
        <source>Selected</source>
        <translation>Seleccionado</translation>
    </message>
    <message>
        <source>Speech is not available on this kiosk.</source>
        <translation>La voz no está disponible en este quiosco.</translation>
    </message>
    <message>
        <source>Speech is not available in %1 on this kiosk.</source>
        <translation>La voz no está disponible en %1 en este quiosco.</translation>
    </message>
</context>
<context>
    <name>KioskText</name>
    <message>
        <source>SUV</source>
        <translation>SUV</translation>
    </message>
    <message>
        <source>Truck</source>
        <translation>Camioneta</translation>
    </message>
    <message>
        <source>Car</source>
        <translation>Coche</translation>
    </message>
    <message>
        <source>Now, %1, ready now</source>
        <translation>Ahora, %1, listo ya</translation>
    </message>
    <message numerus="yes">
        <source>Now, %1, ready in %n min</source>
        <translation>
            <numerusform>Ahora, %1, listo en %n min</numerusform>
            <numerusform>Ahora, %1, listo en %n min</numerusform>
        </translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>Iniciando</translation>
    </message>
    <message>
        <source>Calling an attendant…</source>
        <translation>Llamando a un empleado…</translation>
    </message>
    <message>
        <source>No attendant could be called from here. Please go to the desk.</source>
        <translation>No se pudo llamar a un empleado desde aquí. Vaya al mostrador, por favor.</translation>
    </message>
    <message>
        <source>An attendant is on the way.</source>
        <translation>Un empleado viene en camino.</translation>
    </message>
    <message>
        <source>CarWash kiosk</source>
        <translation>Quiosco de CarWash</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Atrás</translation>
    </message>
    <message>
        <source>The screen before</source>
        <translation>La pantalla anterior</translation>
    </message>
    <message>
        <source>Start over</source>
        <translation>Empezar de nuevo</translation>
    </message>
    <message>
        <source>Forget everything chosen and begin again</source>
        <translation>Olvidar todo lo elegido y empezar de nuevo</translation>
    </message>
    <message>
        <source>Call attendant</source>
        <translation>Llamar a un empleado</translation>
    </message>
    <message>
        <source>Someone from the desk comes to help</source>
        <translation>Alguien del mostrador viene a ayudar</translation>
    </message>
</context>
<context>
    <name>KiosksDialog</name>
    <message>
        <source>Kiosks</source>
        <translation>Quioscos</translation>
    </message>
    <message>
        <source>The self-service kiosks. A kiosk adds itself here when it first starts; choose the language it greets customers in, how they may pay and its card reader.</source>
        <translation>Los quioscos de autoservicio. Un quiosco se añade aquí solo al arrancar por primera vez; elija el idioma en que saluda a los clientes, cómo pueden pagar y su lector de tarjetas.</translation>
    </message>
    <message>
        <source>&amp;Kiosks:</source>
        <translation>&amp;Quioscos:</translation>
    </message>
    <message>
        <source>Kiosk</source>
        <translation>Quiosco</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>Customers pay</source>
        <translation>Los clientes pagan</translation>
    </message>
    <message>
        <source>Card reader</source>
        <translation>Lector de tarjetas</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>The kiosk&apos;s language</source>
        <translation>El idioma del quiosco</translation>
    </message>
    <message>
        <source>On the kiosk&apos;s card &amp;reader</source>
        <translation>En el &amp;lector del quiosco</translation>
    </message>
    <message>
        <source>On their &amp;phone (QR code)</source>
        <translation>En su &amp;móvil (código QR)</translation>
    </message>
    <message>
        <source>At the &amp;desk</source>
        <translation>En el mos&amp;trador</translation>
    </message>
    <message>
        <source>The kiosk&apos;s card reader</source>
        <translation>El lector de tarjetas del quiosco</translation>
    </message>
    <message>
        <source>&amp;Save changes</source>
        <translation>&amp;Guardar cambios</translation>
    </message>
    <message>
        <source>Save the selected kiosk&apos;s changes</source>
        <translation>Guardar los cambios del quiosco elegido</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Idioma:</translation>
    </message>
    <message>
        <source>Customers pay:</source>
        <translation>Los clientes pagan:</translation>
    </message>
    <message>
        <source>Card r&amp;eader:</source>
        <translation>Lect&amp;or:</translation>
    </message>
    <message>
        <source>card reader</source>
        <translation>lector de tarjetas</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>móvil</translation>
    </message>
    <message>
        <source>at the desk</source>
        <translation>en el mostrador</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Ninguno</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>En marcha</translation>
    </message>
    <message>
        <source>Not running</source>
        <translation>Parado</translation>
    </message>
    <message>
        <source>No kiosks yet: a kiosk adds itself when it first starts (carwash --kiosk).</source>
        <translation>Aún no hay quioscos: un quiosco se añade solo al arrancar por primera vez (carwash --kiosk).</translation>
    </message>
    <message>
        <source>No reader</source>
        <translation>Sin lector</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Kiosk %1 was not changed.</source>
        <translation>El quiosco %1 no se cambió.</translation>
    </message>
    <message>
        <source>Kiosk %1 saved: %2, customers pay %3, %4.</source>
        <translation>Quiosco %1 guardado: %2, los clientes pagan con %3, %4.</translation>
    </message>
    <message>
        <source>no card reader</source>
        <translation>sin lector de tarjetas</translation>
    </message>
    <message>
        <source>card reader %1</source>
        <translation>lector de tarjetas %1</translation>
    </message>
    <message>
        <source>The kiosks could not be loaded.</source>
        <translation>No se pudieron cargar los quioscos.</translation>
    </message>
</context>
<context>
    <name>ManagerFirstRunPage</name>
    <message>
        <source>You sign in with this name and PIN, as the manager: the only one who can change the site, the wash menu and the staff. Add the rest of your staff later, under Manage, Staff.</source>
        <translation>Con este nombre y PIN inicia sesión como gerente: el único que puede cambiar el local, el carta de lavados y el personal. Añada al resto del personal después, en Gestionar, Personal.</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Su nombre</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>%1 to %2 digits</source>
        <translation>de %1 a %2 cifras</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>PIN otra vez</translation>
    </message>
    <message>
        <source>Your na&amp;me:</source>
        <translation>Su &amp;nombre:</translation>
    </message>
    <message>
        <source>&amp;PIN:</source>
        <translation>&amp;PIN:</translation>
    </message>
    <message>
        <source>PIN a&amp;gain:</source>
        <translation>PIN otra &amp;vez:</translation>
    </message>
    <message>
        <source>Type your name: the desk shows who is signed in.</source>
        <translation>Escriba su nombre: el mostrador indica quién ha iniciado sesión.</translation>
    </message>
</context>
<context>
    <name>ManagerListDialog</name>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
</context>
<context>
    <name>ManagerPinOverlay</name>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>The managers could not be loaded: %1 Touch Try again, or Cancel.</source>
        <translation>No se pudieron cargar los gerentes: %1 Toque Reintentar o Cancelar.</translation>
    </message>
    <message>
        <source>Type the manager&apos;s PIN.</source>
        <translation>Escriba el PIN del gerente.</translation>
    </message>
    <message>
        <source>Touch your name, then type your PIN.</source>
        <translation>Toque su nombre y escriba su PIN.</translation>
    </message>
    <message>
        <source>No manager can sign in: ask your administrator to add one.</source>
        <translation>Ningún gerente puede entrar: pida a su administrador que añada uno.</translation>
    </message>
    <message numerus="yes">
        <source>PIN, %n digit(s) typed</source>
        <translation>
            <numerusform>PIN, %n dígito escrito</numerusform>
            <numerusform>PIN, %n dígitos escritos</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking PIN…</source>
        <translation>Comprobando el PIN…</translation>
    </message>
    <message>
        <source>Touch your name first.</source>
        <translation>Toque primero su nombre.</translation>
    </message>
    <message>
        <source>The PIN could not be checked: %1 Touch OK to try again.</source>
        <translation>No se pudo comprobar el PIN: %1 Toque Aceptar para reintentar.</translation>
    </message>
    <message>
        <source>%1 is not a manager: only a manager can close the kiosk.</source>
        <translation>%1 no es gerente: solo un gerente puede cerrar el quiosco.</translation>
    </message>
    <message>
        <source>That person can no longer sign in here.</source>
        <translation>Esa persona ya no puede entrar aquí.</translation>
    </message>
    <message>
        <source>Manager PIN</source>
        <translation>PIN de gerente</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Borrar</translation>
    </message>
    <message>
        <source>Clear the PIN</source>
        <translation>Borrar el PIN</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>Aceptar</translation>
    </message>
    <message>
        <source>Check the PIN</source>
        <translation>Comprobar el PIN</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Cancel, back to the kiosk</source>
        <translation>Cancelar y volver al quiosco</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Reintentar</translation>
    </message>
</context>
<context>
    <name>MenuFirstRunPage</name>
    <message>
        <source>&amp;Washes of my own (change them later under Manage, Site setup)</source>
        <translation>&amp;Mis propios lavados (se cambian después en Gestionar, Configuración del local)</translation>
    </message>
    <message>
        <source>The &amp;demo car wash: its washes, add-ons, lanes and holidays, to try things out</source>
        <translation>El autolavado de &amp;demostración: sus lavados, extras, túneles y festivos, para probar</translation>
    </message>
    <message>
        <source>Wash</source>
        <translation>Lavado</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Minutos</translation>
    </message>
    <message>
        <source>Basic wash</source>
        <translation>Lavado básico</translation>
    </message>
    <message>
        <source>Deluxe wash</source>
        <translation>Lavado deluxe</translation>
    </message>
    <message>
        <source>Ultimate wash</source>
        <translation>Lavado completo</translation>
    </message>
    <message>
        <source>&amp;Add a wash</source>
        <translation>&amp;Añadir un lavado</translation>
    </message>
    <message>
        <source>Bays or lanes</source>
        <translation>Boxes o túneles</translation>
    </message>
    <message>
        <source>Ba&amp;ys or lanes, each doing every wash:</source>
        <translation>Bo&amp;xes o túneles, cada uno con todos los lavados:</translation>
    </message>
    <message>
        <source>Wash %1 name</source>
        <translation>Nombre del lavado %1</translation>
    </message>
    <message>
        <source>Wash %1 minutes</source>
        <translation>Minutos del lavado %1</translation>
    </message>
    <message>
        <source>Wash %1 price for %2</source>
        <translation>Precio del lavado %1 para %2</translation>
    </message>
    <message>
        <source>Name at least one wash, or choose the demo car wash.</source>
        <translation>Ponga nombre al menos a un lavado, o elija el autolavado de demostración.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>a price column: vehicle class (currency sign)</comment>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>MergedErrorsModel</name>
    <message numerus="yes">
        <source>%n time(s), first at %1, last at %2</source>
        <translation>
            <numerusform>%n vez, la primera a las %1, la última a las %2</numerusform>
            <numerusform>%n veces, la primera a las %1, la última a las %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Cantidad</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Visto por última vez</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Etiqueta</translation>
    </message>
    <message>
        <source>SQLSTATE</source>
        <translation>SQLSTATE</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Mensaje</translation>
    </message>
</context>
<context>
    <name>Migrator</name>
    <message>
        <source>The program carries a badly named migration file (%1).</source>
        <translation>El programa incluye un archivo de migración con un nombre incorrecto (%1).</translation>
    </message>
    <message>
        <source>The program carries two migrations numbered %1.</source>
        <translation>El programa incluye dos migraciones con el número %1.</translation>
    </message>
    <message>
        <source>The program carries no database migrations.</source>
        <translation>El programa no incluye ninguna migración de base de datos.</translation>
    </message>
    <message>
        <source>The migration %1 could not be read.</source>
        <translation>No se pudo leer la migración %1.</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <source>Dash</source>
        <translation>Guion</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Espacio</translation>
    </message>
    <message>
        <source>⌫ Delete</source>
        <translation>⌫ Borrar</translation>
    </message>
    <message>
        <source>Delete the last character</source>
        <translation>Borrar el último carácter</translation>
    </message>
</context>
<context>
    <name>OpeningHours</name>
    <message>
        <source>Accepted: HH:MM-HH:MM, several separated by commas for breaks (for example 08:00-12:00,12:30-19:00; 24:00 may close a day), or &quot;closed&quot;.</source>
        <translation>Se acepta: HH:MM-HH:MM, varios separados por comas si hay pausas (por ejemplo 08:00-12:00,12:30-19:00; 24:00 puede cerrar un día), o «closed».</translation>
    </message>
    <message>
        <source>The opening hours are empty. %1</source>
        <translation>El horario de apertura está vacío. %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a time range. %2</source>
        <translation>«%1» no es un intervalo horario. %2</translation>
    </message>
    <message>
        <source>In &quot;%1&quot; the closing time is not after the opening time. %2</source>
        <translation>En «%1» la hora de cierre no es posterior a la de apertura. %2</translation>
    </message>
    <message>
        <source>The ranges %1-%2 and %3-%4 overlap. %5</source>
        <translation>Los intervalos %1-%2 y %3-%4 se solapan. %5</translation>
    </message>
</context>
<context>
    <name>OpeningHoursEditor</name>
    <message>
        <source>%1 open</source>
        <translation>%1 abierto</translation>
    </message>
    <message>
        <source>%1 opening hours</source>
        <translation>Horario del %1</translation>
    </message>
    <message>
        <source>08:00-18:00</source>
        <translation>08:00-18:00</translation>
    </message>
</context>
<context>
    <name>OpeningHoursPage</name>
    <message>
        <source>Times are in the site&apos;s time zone. Separate ranges with commas for a break, for example 08:00-12:00, 12:30-18:00; 24:00 closes at midnight.</source>
        <translation>Las horas están en la zona horaria del local. Separe los intervalos con comas para una pausa, por ejemplo 08:00-12:00, 12:30-18:00; 24:00 cierra a medianoche.</translation>
    </message>
    <message>
        <source>&amp;Save opening hours</source>
        <translation>&amp;Guardar horario</translation>
    </message>
    <message>
        <source>Save the opening hours</source>
        <translation>Guardar el horario de apertura</translation>
    </message>
    <message>
        <source>&amp;Undo changes</source>
        <translation>&amp;Deshacer cambios</translation>
    </message>
    <message>
        <source>Undo the changes not saved yet</source>
        <translation>Deshacer los cambios aún no guardados</translation>
    </message>
    <message>
        <source>The opening hours could not be loaded.</source>
        <translation>No se pudo cargar el horario de apertura.</translation>
    </message>
    <message>
        <source>No changes to save.</source>
        <translation>No hay cambios que guardar.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>The opening hours were not saved.</source>
        <translation>El horario de apertura no se guardó.</translation>
    </message>
    <message numerus="yes">
        <source>Saved (%n day(s) changed).</source>
        <translation>
            <numerusform>Guardado (%n día cambiado).</numerusform>
            <numerusform>Guardado (%n días cambiados).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <source>Out of service - please see the desk</source>
        <translation>Fuera de servicio - diríjase al mostrador</translation>
    </message>
    <message>
        <source>We are sorry: this kiosk cannot book right now. It will be back by itself.</source>
        <translation>Lo sentimos: este quiosco no puede reservar ahora. Volverá a funcionar por sí solo.</translation>
    </message>
</context>
<context>
    <name>PayScreen</name>
    <message>
        <source>Check and pay</source>
        <translation>Revise y pague</translation>
    </message>
    <message>
        <source>Paying</source>
        <translation>Pagando</translation>
    </message>
    <message>
        <source>Paying for booking %1</source>
        <translation>Pagando la reserva %1</translation>
    </message>
    <message>
        <source> (card declined)</source>
        <translation> (tarjeta rechazada)</translation>
    </message>
    <message>
        <source>Kiosk customer</source>
        <translation>Cliente del quiosco</translation>
    </message>
    <message>
        <source>Your booking could not be made right now.</source>
        <translation>Su reserva no se pudo hacer ahora.</translation>
    </message>
    <message>
        <source>Sorry, there is no free time left for this wash today. Touch Back to choose again.</source>
        <translation>Lo sentimos, hoy no quedan horas libres para este lavado. Toque Atrás para elegir de nuevo.</translation>
    </message>
    <message>
        <source>Your booking was refused: %1 Touch Back to change it.</source>
        <translation>Su reserva fue rechazada: %1 Toque Atrás para cambiarla.</translation>
    </message>
    <message>
        <source>The card payment could not be started: %1</source>
        <translation>No se pudo iniciar el pago con tarjeta: %1</translation>
    </message>
    <message>
        <source>QR code to pay on your phone</source>
        <translation>Código QR para pagar con su teléfono</translation>
    </message>
    <message>
        <source>Your booking could not be confirmed: %1</source>
        <translation>Su reserva no se pudo confirmar: %1</translation>
    </message>
    <message>
        <source>Getting the card reader ready…</source>
        <translation>Preparando el lector de tarjetas…</translation>
    </message>
    <message>
        <source>Preparing your payment link…</source>
        <translation>Preparando su enlace de pago…</translation>
    </message>
    <message>
        <source>Tap, insert or swipe your card on the reader.</source>
        <translation>Acerque, inserte o deslice su tarjeta en el lector.</translation>
    </message>
    <message>
        <source>Waiting for your payment on your phone: scan the code with your phone&apos;s camera.</source>
        <translation>Esperando su pago en el teléfono: escanee el código con la cámara de su teléfono.</translation>
    </message>
    <message>
        <source>Processing your payment… please wait.</source>
        <translation>Procesando su pago… espere, por favor.</translation>
    </message>
    <message>
        <source>The card payment did not go through. Try again, or choose another way to pay.</source>
        <translation>El pago con tarjeta no se completó. Inténtelo de nuevo o elija otra forma de pago.</translation>
    </message>
    <message>
        <source>The payment was cancelled; nothing was charged. Choose how to pay.</source>
        <translation>El pago se canceló; no se cobró nada. Elija cómo pagar.</translation>
    </message>
    <message>
        <source>The payment link ran out unpaid. Choose how to pay.</source>
        <translation>El enlace de pago caducó sin pagar. Elija cómo pagar.</translation>
    </message>
    <message>
        <source>Paid. Thank you!</source>
        <translation>Pagado. ¡Gracias!</translation>
    </message>
    <message>
        <source>The time you chose was just taken, so we are holding the next free time for you: %1.</source>
        <translation>La hora que eligió se acaba de ocupar, así que le reservamos la próxima hora libre: %1.</translation>
    </message>
    <message>
        <source>%1 for your %2</source>
        <translation>%1 para su %2</translation>
    </message>
    <message>
        <source>+ %1</source>
        <translation>+ %1</translation>
    </message>
    <message>
        <source>%1 at %2, plate %3</source>
        <translation>%1 en %2, matrícula %3</translation>
    </message>
    <message>
        <source>Tax (%1 %) included: %2</source>
        <translation>Impuesto (%1 %) incluido: %2</translation>
    </message>
    <message>
        <source>Tax (%1 %): %2</source>
        <translation>Impuesto (%1 %): %2</translation>
    </message>
    <message>
        <source>Total: %1</source>
        <translation>Total: %1</translation>
    </message>
    <message>
        <source>Holding your time…</source>
        <translation>Reservando su hora…</translation>
    </message>
    <message>
        <source>Confirming your booking…</source>
        <translation>Confirmando su reserva…</translation>
    </message>
    <message>
        <source>Card payment is not available right now. You can book now and pay at the desk.</source>
        <translation>El pago con tarjeta no está disponible ahora. Puede reservar ahora y pagar en el mostrador.</translation>
    </message>
    <message>
        <source>Card payment is not available right now. Please see the desk.</source>
        <translation>El pago con tarjeta no está disponible ahora. Diríjase al mostrador, por favor.</translation>
    </message>
    <message>
        <source>How would you like to pay?</source>
        <translation>¿Cómo desea pagar?</translation>
    </message>
    <message>
        <source>Pay by card here</source>
        <translation>Pagar con tarjeta aquí</translation>
    </message>
    <message>
        <source>Pay %1 by card on this kiosk&apos;s reader</source>
        <translation>Pagar %1 con tarjeta en el lector de este quiosco</translation>
    </message>
    <message>
        <source>Pay with your phone</source>
        <translation>Pagar con su teléfono</translation>
    </message>
    <message>
        <source>Pay %1 with your phone, by QR code</source>
        <translation>Pagar %1 con su teléfono, con código QR</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Intentar de nuevo</translation>
    </message>
    <message>
        <source>Try the card reader again</source>
        <translation>Intentar de nuevo con el lector de tarjetas</translation>
    </message>
    <message>
        <source>Cancel payment</source>
        <translation>Cancelar el pago</translation>
    </message>
    <message>
        <source>Cancel the payment under way</source>
        <translation>Cancelar el pago en curso</translation>
    </message>
    <message>
        <source>Book now, pay at the desk</source>
        <translation>Reservar ahora, pagar en el mostrador</translation>
    </message>
    <message>
        <source>Book now and pay %1 at the desk</source>
        <translation>Reservar ahora y pagar %1 en el mostrador</translation>
    </message>
    <message>
        <source>Your card was declined. Try again with another card, or pay with your phone.</source>
        <translation>Su tarjeta fue rechazada. Inténtelo con otra tarjeta o pague con su teléfono.</translation>
    </message>
</context>
<context>
    <name>PaymentBadge</name>
    <message>
        <source>Unpaid: %1 due</source>
        <translation>Sin pagar: %1 pendiente</translation>
    </message>
    <message>
        <source>Partly paid: %1 of %2; %3 due</source>
        <translation>Pagado en parte: %1 de %2; %3 pendiente</translation>
    </message>
    <message>
        <source>Paid in full</source>
        <translation>Pagado del todo</translation>
    </message>
    <message>
        <source>Card payment in progress</source>
        <translation>Pago con tarjeta en curso</translation>
    </message>
    <message>
        <source>Payment needs attention: %1</source>
        <translation>El pago requiere atención: %1</translation>
    </message>
</context>
<context>
    <name>PaymentRepo</name>
    <message>
        <source>The amount tendered cannot be negative.</source>
        <translation>El importe entregado no puede ser negativo.</translation>
    </message>
    <message>
        <source>There is no booking with ID %1.</source>
        <translation>No hay ninguna reserva con el ID %1.</translation>
    </message>
    <message>
        <source>Booking %1 is already paid; nothing is due.</source>
        <translation>La reserva %1 ya está pagada; no hay nada pendiente.</translation>
    </message>
    <message>
        <source>%1 was tendered, but %2 is due for booking %3.</source>
        <translation>Se entregaron %1, pero la reserva %3 tiene %2 pendientes.</translation>
    </message>
    <message>
        <source>Booking %1 cannot be paid: its status is %2.</source>
        <translation>La reserva %1 no se puede pagar: su estado es %2.</translation>
    </message>
</context>
<context>
    <name>PaymentRequestExecutor</name>
    <message>
        <source>This server does not know requests of kind %1.</source>
        <translation>Este servidor no conoce solicitudes del tipo %1.</translation>
    </message>
    <message>
        <source>Booking %1</source>
        <translation>Reserva %1</translation>
    </message>
    <message>
        <source>There is no card payment %1.</source>
        <translation>No existe el pago con tarjeta %1.</translation>
    </message>
    <message>
        <source>Payment %1 is no longer open (cancelled or paid meanwhile); nothing was sent to Stripe.</source>
        <translation>El pago %1 ya no está abierto (se canceló o se pagó entretanto); no se envió nada a Stripe.</translation>
    </message>
    <message>
        <source>Payment %1 was cancelled or paid another way while Stripe was setting it up; it was cancelled at Stripe too.</source>
        <translation>El pago %1 se canceló o se pagó de otra forma mientras Stripe lo preparaba; también se canceló en Stripe.</translation>
    </message>
</context>
<context>
    <name>PaymentRequestQueue</name>
    <message>
        <source>There is no card payment with ID %1.</source>
        <translation>No hay ningún pago con tarjeta con el ID %1.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Tax %1</source>
        <translation>Impuesto %1</translation>
    </message>
    <message>
        <source>Booking %1, balance due</source>
        <translation>Reserva %1, importe pendiente</translation>
    </message>
    <message>
        <source>There is no card refund with ID %1.</source>
        <translation>No hay ningún reembolso con tarjeta con el ID %1.</translation>
    </message>
</context>
<context>
    <name>PgTools</name>
    <message>
        <source>%1 of PostgreSQL %2 is missing; install it with: apt-get install postgresql-client-%2</source>
        <translation>Falta %1 de PostgreSQL %2; instálelo con: apt-get install postgresql-client-%2</translation>
    </message>
    <message>
        <source>%1 is not the PostgreSQL %2 version this program needs.</source>
        <translation>%1 no es la versión PostgreSQL %2 que necesita este programa.</translation>
    </message>
</context>
<context>
    <name>PinCheck</name>
    <message>
        <source>Type your PIN: %1 to %2 digits.</source>
        <translation>Escriba su PIN: de %1 a %2 dígitos.</translation>
    </message>
    <message numerus="yes">
        <source>That PIN is not right. %n more wrong PIN(s) and %1 is locked for %2 minutes.</source>
        <translation>
            <numerusform>PIN incorrecto. Con %n PIN incorrecto más, %1 quedará bloqueado durante %2 minutos.</numerusform>
            <numerusform>PIN incorrecto. Con %n PIN incorrectos más, %1 quedará bloqueado durante %2 minutos.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is locked after %2 wrong PINs. Try again in %3, or ask a manager to reset the PIN.</source>
        <translation>%1 está bloqueado tras %2 PIN incorrectos. Vuelva a intentarlo dentro de %3 o pida a un gerente que restablezca el PIN.</translation>
    </message>
    <message>
        <source>%1 is locked after %2 wrong PINs. Try again in %3.</source>
        <translation>%1 está bloqueado tras %2 PIN incorrectos. Vuelva a intentarlo dentro de %3.</translation>
    </message>
    <message>
        <source>The two PINs are not the same. Type it again in both fields.</source>
        <translation>Los dos PIN no coinciden. Escríbalo de nuevo en ambos campos.</translation>
    </message>
</context>
<context>
    <name>PlanningContext</name>
    <message>
        <source>There is no service with ID %1 (see: carwash-admin services).</source>
        <translation>No hay ningún servicio con el ID %1 (véase: carwash-admin services).</translation>
    </message>
    <message>
        <source>%1 is not offered at the moment.</source>
        <translation>%1 no se ofrece en este momento.</translation>
    </message>
    <message>
        <source>%1 has no prices yet, so it cannot be booked.</source>
        <translation>%1 todavía no tiene precios, así que no se puede reservar.</translation>
    </message>
    <message>
        <source>There is no add-on with ID %1.</source>
        <translation>No hay ningún extra con el ID %1.</translation>
    </message>
    <message>
        <source>%1 cannot be added to %2 (see: carwash-admin service %3).</source>
        <translation>%1 no se puede añadir a %2 (véase: carwash-admin service %3).</translation>
    </message>
    <message>
        <source>There is no bay with ID %1.</source>
        <translation>No hay ningún box con el ID %1.</translation>
    </message>
    <message>
        <source>%1 is closed at the moment.</source>
        <translation>%1 está cerrado en este momento.</translation>
    </message>
    <message>
        <source>%1 does not offer %2.</source>
        <translation>%1 no ofrece %2.</translation>
    </message>
    <message>
        <source>%1 is not offered for the vehicle class %2; it is offered for: %3.</source>
        <translation>%1 no se ofrece para la clase de vehículo %2; se ofrece para: %3.</translation>
    </message>
</context>
<context>
    <name>PlateScreen</name>
    <message>
        <source>Your licence plate</source>
        <translation>Su matrícula</translation>
    </message>
    <message>
        <source>Entering the licence plate</source>
        <translation>Introduciendo la matrícula</translation>
    </message>
    <message>
        <source>Licence plate</source>
        <translation>Matrícula</translation>
    </message>
    <message>
        <source>Plate</source>
        <translation>Matrícula</translation>
    </message>
    <message>
        <source>Phone or e-mail for the receipt</source>
        <translation>Teléfono o correo electrónico para el recibo</translation>
    </message>
    <message>
        <source>Phone or e-mail (optional)</source>
        <translation>Teléfono o correo (opcional)</translation>
    </message>
    <message>
        <source>Back to the plate</source>
        <translation>Volver a la matrícula</translation>
    </message>
    <message>
        <source>Add a phone number or e-mail address</source>
        <translation>Añadir un teléfono o una dirección de correo</translation>
    </message>
    <message>
        <source>For a receipt; not needed to book.</source>
        <translation>Para un recibo; no hace falta para reservar.</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Continuar</translation>
    </message>
    <message>
        <source>Type your plate first</source>
        <translation>Escriba primero su matrícula</translation>
    </message>
    <message>
        <source>Plate %1</source>
        <translation>Matrícula %1</translation>
    </message>
    <message>
        <source>Receipt by phone
or e-mail (optional)</source>
        <translation>Recibo por teléfono
o correo (opcional)</translation>
    </message>
    <message>
        <source>Type your plate on the keyboard, then touch Continue.</source>
        <translation>Escriba su matrícula en el teclado y toque Continuar.</translation>
    </message>
</context>
<context>
    <name>ReaderRepo</name>
    <message>
        <source>kiosk &quot;%1&quot;</source>
        <translation>quiosco «%1»</translation>
    </message>
    <message>
        <source>desk &quot;%1&quot;</source>
        <translation>mostrador «%1»</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a Stripe reader ID: those look like tmr_FDOt2wlRZEdpd7 (see the readers in Stripe&apos;s dashboard).</source>
        <translation>«%1» no es un ID de lector de Stripe: tienen la forma tmr_FDOt2wlRZEdpd7 (véanse los lectores en el panel de Stripe).</translation>
    </message>
    <message>
        <source>Give the reader a label people recognise it by, such as &quot;Front desk reader&quot;.</source>
        <translation>Dé al lector un nombre por el que se le reconozca, como «Lector de recepción».</translation>
    </message>
    <message>
        <source>Reader %1 is registered already.</source>
        <translation>El lector %1 ya está registrado.</translation>
    </message>
    <message>
        <source>There is no card reader %1.</source>
        <translation>No existe el lector de tarjetas %1.</translation>
    </message>
    <message>
        <source>A reader serves a desk or a kiosk, not &quot;%1&quot;.</source>
        <translation>Un lector sirve a un mostrador o a un quiosco, no a «%1».</translation>
    </message>
    <message>
        <source>Name the desk or kiosk the reader serves.</source>
        <translation>Indique el mostrador o quiosco al que sirve el lector.</translation>
    </message>
    <message>
        <source>The %1 has reader %2 already; a desk or kiosk has one reader. Unassign %2 first.</source>
        <translation>El %1 ya tiene el lector %2; un mostrador o quiosco tiene un solo lector. Desasigne primero %2.</translation>
    </message>
</context>
<context>
    <name>ReadyFirstRunPage</name>
    <message>
        <source>Everything is written at once when you press Open the car wash, and the desk opens with you signed in. Every answer can be changed later under Manage.</source>
        <translation>Todo se guarda de una vez al pulsar Abrir el autolavado, y el mostrador se abre con su sesión iniciada. Cada respuesta se puede cambiar después en Gestionar.</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problema</translation>
    </message>
    <message>
        <source>Setting up the car wash…</source>
        <translation>Configurando el autolavado…</translation>
    </message>
    <message>
        <source>Car wash: %1</source>
        <translation>Autolavado: %1</translation>
    </message>
    <message>
        <source>Time zone: %1</source>
        <translation>Zona horaria: %1</translation>
    </message>
    <message>
        <source>Prices in %1, with %2 % tax included</source>
        <translation>Precios en %1, con un %2 % de impuesto incluido</translation>
    </message>
    <message>
        <source>Prices in %1, with %2 % tax added</source>
        <translation>Precios en %1, con un %2 % de impuesto añadido</translation>
    </message>
    <message numerus="yes">
        <source>Open %n day(s) a week</source>
        <translation>
            <numerusform>Abierto %n día a la semana</numerusform>
            <numerusform>Abierto %n días a la semana</numerusform>
        </translation>
    </message>
    <message>
        <source>First manager: %1</source>
        <translation>Primer gerente: %1</translation>
    </message>
    <message>
        <source>Wash menu: the demo car wash&apos;s washes, add-ons, lanes and holidays</source>
        <translation>Carta de lavados: los lavados, extras, túneles y festivos del autolavado de demostración</translation>
    </message>
    <message numerus="yes">
        <source>Wash menu: %n wash(es) of your own</source>
        <translation>
            <numerusform>Carta de lavados: %n lavado propio</numerusform>
            <numerusform>Carta de lavados: %n lavados propios</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n bay(s)</source>
        <translation>
            <numerusform>%n box</numerusform>
            <numerusform>%n boxes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReceiptActions</name>
    <message>
        <source>The receipt could not be made: %1</source>
        <translation>No se pudo hacer el recibo: %1</translation>
    </message>
    <message>
        <source>Save receipt as PDF</source>
        <translation>Guardar recibo como PDF</translation>
    </message>
    <message>
        <source>receipt-%1.pdf</source>
        <translation>recibo-%1.pdf</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>Archivos PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Receipt saved as %1.</source>
        <translation>Recibo guardado como %1.</translation>
    </message>
    <message>
        <source>Receipt %1</source>
        <translation>Recibo %1</translation>
    </message>
    <message>
        <source>Receipt sent to %1.</source>
        <translation>Recibo enviado a %1.</translation>
    </message>
</context>
<context>
    <name>ReceiptDocument</name>
    <message>
        <source>Car wash</source>
        <translation>Autolavado</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>Recibo</translation>
    </message>
    <message>
        <source>Booking</source>
        <translation>Reserva</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>%1–%2</source>
        <translation>%1–%2</translation>
    </message>
    <message>
        <source>Bay</source>
        <translation>Box</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>Vehículo</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <source>+ %1</source>
        <translation>+ %1</translation>
    </message>
    <message>
        <source>Subtotal</source>
        <translation>Subtotal</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>Included tax (%1)</source>
        <translation>Impuesto incluido (%1)</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>Neto</translation>
    </message>
    <message>
        <source>Tax (%1)</source>
        <translation>Impuesto (%1)</translation>
    </message>
    <message>
        <source>Paid: %1</source>
        <translation>Pagado: %1</translation>
    </message>
    <message>
        <source>Tendered</source>
        <translation>Entregado</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Cambio</translation>
    </message>
    <message>
        <source>Paid at</source>
        <translation>Pagado el</translation>
    </message>
    <message>
        <source>Amount due</source>
        <translation>Importe pendiente</translation>
    </message>
    <message>
        <source>Served by</source>
        <translation>Atendido por</translation>
    </message>
    <message>
        <source>Confirmation code</source>
        <translation>Código de confirmación</translation>
    </message>
    <message>
        <source>Issued %1</source>
        <translation>Emitido %1</translation>
    </message>
    <message>
        <source>Thank you for your visit!</source>
        <translation>¡Gracias por su visita!</translation>
    </message>
    <message>
        <source>[QR code: %1]</source>
        <translation>[Código QR: %1]</translation>
    </message>
    <message>
        <source>Receipt %1</source>
        <translation>Recibo %1</translation>
    </message>
    <message>
        <source>The receipt could not be written to %1.</source>
        <translation>No se pudo escribir el recibo en %1.</translation>
    </message>
    <message>
        <source>The receipt could not be printed on %1.</source>
        <translation>No se pudo imprimir el recibo en %1.</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <source>Refund — %1</source>
        <translation>Reembolso — %1</translation>
    </message>
    <message>
        <source>Payment to refund</source>
        <translation>Pago a reembolsar</translation>
    </message>
    <message>
        <source>%1, %2: %3 (%4 left)</source>
        <translation>%1, %2: %3 (quedan %4)</translation>
    </message>
    <message>
        <source>&amp;Payment:</source>
        <translation>&amp;Pago:</translation>
    </message>
    <message>
        <source>How the money goes back</source>
        <translation>Cómo se devuelve el dinero</translation>
    </message>
    <message>
        <source>Amount to refund</source>
        <translation>Importe a reembolsar</translation>
    </message>
    <message>
        <source>&amp;Amount (%1):</source>
        <translation>&amp;Importe (%1):</translation>
    </message>
    <message>
        <source>Reason for the refund</source>
        <translation>Motivo del reembolso</translation>
    </message>
    <message>
        <source>e.g. wash not finished, charged twice</source>
        <translation>p. ej. lavado sin terminar, cobrado dos veces</translation>
    </message>
    <message>
        <source>R&amp;eason:</source>
        <translation>&amp;Motivo:</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>Forma:</translation>
    </message>
    <message>
        <source>&amp;Refund</source>
        <translation>&amp;Reembolsar</translation>
    </message>
    <message>
        <source>C&amp;lose</source>
        <translation>Cerr&amp;ar</translation>
    </message>
    <message>
        <source>Nothing paid is left to refund.</source>
        <translation>No queda nada pagado por reembolsar.</translation>
    </message>
    <message>
        <source>Card: back to the customer&apos;s card through Stripe (a few days to show on their statement).</source>
        <translation>Tarjeta: se devuelve a la tarjeta del cliente a través de Stripe (tarda unos días en verse en su extracto).</translation>
    </message>
    <message>
        <source>Cash: hand the money back from the till.</source>
        <translation>Efectivo: devuelva el dinero de la caja.</translation>
    </message>
    <message>
        <source>Type the amount to refund, for example %1.</source>
        <translation>Escriba el importe a reembolsar, por ejemplo %1.</translation>
    </message>
    <message>
        <source>%1 is more than is left of this payment: at most %2.</source>
        <translation>%1 es más de lo que queda de este pago: como mucho %2.</translation>
    </message>
    <message>
        <source>Give a reason for the refund; it is kept in the booking&apos;s history.</source>
        <translation>Indique un motivo del reembolso; se guarda en el historial de la reserva.</translation>
    </message>
    <message>
        <source>Recording the refund…</source>
        <translation>Registrando el reembolso…</translation>
    </message>
    <message>
        <source>%1 A card refund needs it; refund later, or give cash back instead.</source>
        <translation>%1 Un reembolso a tarjeta lo necesita; reembolse más tarde o devuelva efectivo.</translation>
    </message>
    <message>
        <source>%1 refunded in cash: hand it back to the customer.</source>
        <translation>%1 reembolsado en efectivo: devuélvalo al cliente.</translation>
    </message>
    <message>
        <source>Refunding to the card…</source>
        <translation>Reembolsando a la tarjeta…</translation>
    </message>
    <message>
        <source>Asking Stripe to refund %1 to the card…</source>
        <translation>Pidiendo a Stripe que reembolse %1 a la tarjeta…</translation>
    </message>
    <message>
        <source>The refund&apos;s progress could not be read: %1</source>
        <translation>No se pudo leer el avance del reembolso: %1</translation>
    </message>
    <message>
        <source>Stripe refused the card refund: %1</source>
        <translation>Stripe rechazó el reembolso a la tarjeta: %1</translation>
    </message>
    <message>
        <source>%1 refunded to the card.</source>
        <translation>%1 reembolsado a la tarjeta.</translation>
    </message>
</context>
<context>
    <name>RequestFields</name>
    <message>
        <source>%1 is required: the ID of a wash package.</source>
        <translation>%1 es obligatorio: el ID de un lavado.</translation>
    </message>
    <message>
        <source>%1 may be given once.</source>
        <translation>%1 solo se puede indicar una vez.</translation>
    </message>
    <message>
        <source>%1 takes a numeric service ID, not &quot;%2&quot;.</source>
        <translation>%1 requiere el ID numérico de un lavado, no &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>%1 takes one of car, suv, truck, not &quot;%2&quot;.</source>
        <translation>%1 requiere car, suv o truck, no &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>%1 takes a numeric add-on ID, not &quot;%2&quot;.</source>
        <translation>%1 requiere el ID numérico de un extra, no &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>%1 takes a numeric bay ID, not &quot;%2&quot;.</source>
        <translation>%1 requiere el ID numérico de una bahía, no &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>%1 is required: a day as YYYY-MM-DD.</source>
        <translation>%1 es obligatorio: un día como AAAA-MM-DD.</translation>
    </message>
    <message>
        <source>%1 takes YYYY-MM-DD (for example 2025-06-11), not &quot;%2&quot;.</source>
        <translation>%1 requiere AAAA-MM-DD (por ejemplo 2025-06-11), no &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>%1 is required, for example 2025-06-11T09:30:00+02:00.</source>
        <translation>%1 es obligatorio, por ejemplo 2025-06-11T09:30:00+02:00.</translation>
    </message>
    <message>
        <source>%1 takes an ISO-8601 date and time such as 2025-06-11T09:30:00+02:00 (without an offset: the site&apos;s local time), not &quot;%2&quot;.</source>
        <translation>%1 requiere una fecha y hora ISO-8601 como 2025-06-11T09:30:00+02:00 (sin desfase: la hora local del lavadero), no &quot;%2&quot;.</translation>
    </message>
</context>
<context>
    <name>RescheduleDialog</name>
    <message>
        <source>Move booking %1</source>
        <translation>Mover la reserva %1</translation>
    </message>
    <message>
        <source>Now: %1, %2–%3 on %4</source>
        <translation>Ahora: %1, %2–%3 en %4</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <source>&amp;Day:</source>
        <translation>&amp;Día:</translation>
    </message>
    <message>
        <source>Free start times</source>
        <translation>Horas de inicio libres</translation>
    </message>
    <message>
        <source>&amp;Free times:</source>
        <translation>Horas &amp;libres:</translation>
    </message>
    <message>
        <source>Bay</source>
        <translation>Box</translation>
    </message>
    <message>
        <source>&amp;Bay:</source>
        <translation>&amp;Box:</translation>
    </message>
    <message>
        <source>&amp;Move booking</source>
        <translation>&amp;Mover reserva</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Finding free times…</source>
        <translation>Buscando horas libres…</translation>
    </message>
    <message>
        <source>The free times could not be loaded: %1</source>
        <translation>No se pudieron cargar las horas libres: %1</translation>
    </message>
    <message>
        <source>%1–%2 (%3)</source>
        <translation>%1–%2 (%3)</translation>
    </message>
    <message>
        <source>No free times on this day.</source>
        <translation>No hay horas libres este día.</translation>
    </message>
    <message>
        <source>First free bay</source>
        <translation>Primer box libre</translation>
    </message>
    <message>
        <source>Choose one of the free times first.</source>
        <translation>Elija primero una de las horas libres.</translation>
    </message>
    <message>
        <source>Moving the booking…</source>
        <translation>Moviendo la reserva…</translation>
    </message>
    <message>
        <source>That time was just taken by another booking. The free times are listed again.</source>
        <translation>Otra reserva acaba de ocupar esa hora. Se vuelven a mostrar las horas libres.</translation>
    </message>
</context>
<context>
    <name>SaveOutcome</name>
    <message numerus="yes">
        <source>Nothing was saved: %n field(s) need attention.</source>
        <translation>
            <numerusform>No se guardó nada: %n campo necesita atención.</numerusform>
            <numerusform>No se guardó nada: %n campos necesitan atención.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SecretsCommand</name>
    <message>
        <source>Usage:
  carwash-server secrets set secret-key|webhook-secret   the value from stdin (not shown when typed)
  carwash-server secrets show
  carwash-server secrets remove secret-key|webhook-secret
Keeps the Stripe secrets in the keychain of this account (service %1, keys %2 and %3); run it as the account carwash-server runs as. STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET in the server&apos;s environment win over the keychain.</source>
        <translation>Uso:
  carwash-server secrets set secret-key|webhook-secret   el valor desde stdin (no se muestra al escribirlo)
  carwash-server secrets show
  carwash-server secrets remove secret-key|webhook-secret
Guarda los secretos de Stripe en el llavero de esta cuenta (servicio %1, claves %2 y %3); ejecútelo como la cuenta con la que se ejecuta carwash-server. STRIPE_SECRET_KEY y STRIPE_WEBHOOK_SECRET en el entorno del servidor prevalecen sobre el llavero.</translation>
    </message>
    <message>
        <source>carwash-server secrets set takes the value from stdin, never from the command line (other users can see it there). Type it when asked, or pipe it in.</source>
        <translation>carwash-server secrets set toma el valor de stdin, nunca de la línea de órdenes (otros usuarios pueden verlo allí). Escríbalo cuando se le pida o páselo por una tubería.</translation>
    </message>
    <message>
        <source>Unexpected arguments &quot;%1&quot;.</source>
        <translation>Argumentos inesperados «%1».</translation>
    </message>
    <message>
        <source>Stripe secret key (sk_live_…, sk_test_… or rk_…; not shown): </source>
        <translation>Clave secreta de Stripe (sk_live_…, sk_test_… o rk_…; no se muestra): </translation>
    </message>
    <message>
        <source>Stripe webhook signing secret (whsec_…; several separated by commas; not shown): </source>
        <translation>Secreto de firma del webhook de Stripe (whsec_…; varios separados por comas; no se muestra): </translation>
    </message>
    <message>
        <source>No value came on stdin; nothing was stored.</source>
        <translation>No llegó ningún valor por stdin; no se guardó nada.</translation>
    </message>
    <message>
        <source>Nothing was stored.</source>
        <translation>No se guardó nada.</translation>
    </message>
    <message>
        <source>Stored %1 in this account&apos;s keychain under %2. carwash-server reads it when it starts next.</source>
        <translation>%1 guardado en el llavero de esta cuenta como %2. carwash-server lo lee la próxima vez que arranque.</translation>
    </message>
    <message>
        <source>Note: %1 is set in this environment; wherever it is set for the server, it wins over the keychain.</source>
        <translation>Nota: %1 está definida en este entorno; donde esté definida para el servidor, prevalece sobre el llavero.</translation>
    </message>
    <message>
        <source>set in this environment (%1): %2; the keychain is not consulted for it</source>
        <translation>definido en este entorno (%1): %2; no se consulta el llavero para él</translation>
    </message>
    <message>
        <source>in the keychain (%1): %2</source>
        <translation>en el llavero (%1): %2</translation>
    </message>
    <message>
        <source>not set: %1</source>
        <translation>no definido: %1</translation>
    </message>
    <message>
        <source>The keychain could not be read: %1
Put %2 and %3 in carwash-server&apos;s environment file instead.</source>
        <translation>No se pudo leer el llavero: %1
Ponga %2 y %3 en el archivo de entorno de carwash-server.</translation>
    </message>
    <message>
        <source>Nothing was stored under %1; nothing to remove.</source>
        <translation>No había nada guardado como %1; no hay nada que eliminar.</translation>
    </message>
    <message>
        <source>Removed %1 from this account&apos;s keychain. carwash-server goes without it from its next start unless %2 is set in its environment.</source>
        <translation>%1 eliminado del llavero de esta cuenta. carwash-server funcionará sin él desde su próximo arranque, salvo que %2 esté definida en su entorno.</translation>
    </message>
    <message>
        <source>No keychain is available to this account here: %1
Put %2 in carwash-server&apos;s environment file instead (e.g. the file a systemd EnvironmentFile= names, readable by that account only).</source>
        <translation>Esta cuenta no tiene aquí ningún llavero disponible: %1
Ponga %2 en el archivo de entorno de carwash-server (p. ej. el archivo que indica un EnvironmentFile= de systemd, legible solo por esa cuenta).</translation>
    </message>
    <message>
        <source>%1
Unlock the keychain of this account and try again, or put %2 in carwash-server&apos;s environment file instead.</source>
        <translation>%1
Desbloquee el llavero de esta cuenta y vuelva a intentarlo, o ponga %2 en el archivo de entorno de carwash-server.</translation>
    </message>
    <message>
        <source>%1
Nothing was changed. Put %2 in carwash-server&apos;s environment file if the keychain cannot be used.</source>
        <translation>%1
No se cambió nada. Ponga %2 en el archivo de entorno de carwash-server si no se puede usar el llavero.</translation>
    </message>
</context>
<context>
    <name>ServerApplication</name>
    <message>
        <source>The listen address &quot;%1&quot; is not ADDRESS:PORT (for example 127.0.0.1:8080).</source>
        <translation>La dirección «%1» no tiene la forma DIRECCIÓN:PUERTO (por ejemplo 127.0.0.1:8080).</translation>
    </message>
    <message>
        <source>Write an IPv6 listen address in brackets, for example [::1]:8080.</source>
        <translation>Escriba una dirección IPv6 entre corchetes, por ejemplo [::1]:8080.</translation>
    </message>
    <message>
        <source>The listen port &quot;%1&quot; is not a number from 0 to 65535.</source>
        <translation>El puerto «%1» no es un número de 0 a 65535.</translation>
    </message>
    <message>
        <source>The listen address &quot;%1&quot; is not an IP address (host names other than localhost are not accepted).</source>
        <translation>La dirección «%1» no es una dirección IP (no se aceptan nombres de host salvo localhost).</translation>
    </message>
    <message>
        <source>Where to listen for HTTP (default 127.0.0.1:%1).</source>
        <translation>Dónde escuchar HTTP (por defecto 127.0.0.1:%1).</translation>
    </message>
    <message>
        <source>ADDRESS:PORT</source>
        <translation>DIRECCIÓN:PUERTO</translation>
    </message>
    <message>
        <source>Unexpected argument &quot;%1&quot;.</source>
        <translation>Argumento inesperado «%1».</translation>
    </message>
    <message>
        <source>Cannot handle SIGTERM: %1</source>
        <translation>No se puede atender SIGTERM: %1</translation>
    </message>
    <message>
        <source>carwash-server cannot listen on %1:%2: %3. Choose another address with --listen ADDRESS:PORT, or stop the program using it.</source>
        <translation>carwash-server no puede escuchar en %1:%2: %3. Elija otra dirección con --listen DIRECCIÓN:PUERTO o detenga el programa que la usa.</translation>
    </message>
    <message>
        <source>There is nothing at %1 %2.</source>
        <translation>No hay nada en %1 %2.</translation>
    </message>
    <message>
        <source>The database is not ready yet; Stripe will deliver this event again.</source>
        <translation>La base de datos aún no está lista; Stripe volverá a enviar este evento.</translation>
    </message>
    <message>
        <source>The payment was not made. You can close this page and pay at the car wash.</source>
        <translation>No se realizó el pago. Puede cerrar esta página y pagar en el lavadero.</translation>
    </message>
    <message>
        <source>CarWash payment</source>
        <translation>Pago de CarWash</translation>
    </message>
    <message>
        <source>%1 must be a whole number of at least %2, not &quot;%3&quot;.</source>
        <translation>%1 debe ser un número entero de al menos %2, no «%3».</translation>
    </message>
    <message>
        <source>Thank you. Your payment was received. You can close this page.</source>
        <translation>Gracias. Hemos recibido su pago. Puede cerrar esta página.</translation>
    </message>
    <message>
        <source>carwash-server: Stripe webhooks, card payment requests and GET /health for CarWash Desk.
carwash-server secrets set|show|remove keeps its Stripe secrets in this account&apos;s keychain (carwash-server secrets --help).</source>
        <translation>carwash-server: webhooks de Stripe, solicitudes de pago con tarjeta y GET /health para CarWash Desk.
carwash-server secrets set|show|remove guarda sus secretos de Stripe en el llavero de esta cuenta (carwash-server secrets --help).</translation>
    </message>
    <message>
        <source>carwash-server is preparing the database (applying its migrations); it serves once they are applied.</source>
        <translation>carwash-server está preparando la base de datos (aplicando sus migraciones); atenderá en cuanto estén aplicadas.</translation>
    </message>
    <message>
        <source>READ_DATABASE_URL: %1</source>
        <translation>READ_DATABASE_URL: %1</translation>
    </message>
</context>
<context>
    <name>ServiceCheckList</name>
    <message>
        <source>%1 (inactive)</source>
        <translation>%1 (inactivo)</translation>
    </message>
</context>
<context>
    <name>ServicesPage</name>
    <message>
        <source>Service name</source>
        <translation>Nombre del servicio</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation>No&amp;mbre:</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Descripción</translation>
    </message>
    <message>
        <source>D&amp;escription:</source>
        <translation>D&amp;escripción:</translation>
    </message>
    <message>
        <source>Duration in minutes</source>
        <translation>Duración en minutos</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Durati&amp;on:</source>
        <translation>Duraci&amp;ón:</translation>
    </message>
    <message>
        <source>&amp;Active (offered at the desk and the kiosk)</source>
        <translation>&amp;Activo (se ofrece en el mostrador y en el quiosco)</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Activo</translation>
    </message>
    <message>
        <source>&amp;Car</source>
        <translation>&amp;Turismo</translation>
    </message>
    <message>
        <source>S&amp;UV</source>
        <translation>S&amp;UV</translation>
    </message>
    <message>
        <source>&amp;Truck</source>
        <translation>Camio&amp;neta</translation>
    </message>
    <message>
        <source>Offered for %1</source>
        <translation>Se ofrece para %1</translation>
    </message>
    <message>
        <source>%1 price</source>
        <translation>Precio para %1</translation>
    </message>
    <message>
        <source>Prices:</source>
        <translation>Precios:</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Servicio</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Servicios</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message>
        <source>not offered</source>
        <translation>no se ofrece</translation>
    </message>
    <message>
        <source>Type the %1 price, for example %2, or untick it if it is not offered.</source>
        <translation>Escriba el precio para %1, por ejemplo %2, o desmárquelo si no se ofrece.</translation>
    </message>
</context>
<context>
    <name>SessionHeader</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>Sesión iniciada</translation>
    </message>
    <message>
        <source>S&amp;taff…</source>
        <translation>&amp;Personal…</translation>
    </message>
    <message>
        <source>Add people and reset PINs (managers)</source>
        <translation>Añadir personas y restablecer PIN (gerentes)</translation>
    </message>
    <message>
        <source>Database connection and password (managers)</source>
        <translation>Conexión y contraseña de la base de datos (gerentes)</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>&amp;Cerrar sesión</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Cerrar sesión</translation>
    </message>
    <message>
        <source>Sign out (Ctrl+Shift+L)</source>
        <translation>Cerrar sesión (Ctrl+Mayús+L)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&amp;New walk-in</source>
        <translation>&amp;Nuevo cliente sin cita</translation>
    </message>
    <message>
        <source>New walk-in</source>
        <translation>Nuevo cliente sin cita</translation>
    </message>
    <message>
        <source>Book a walk-in: wash, plate, Enter (Ctrl+N)</source>
        <translation>Reservar un cliente sin cita: lavado, matrícula, Intro (Ctrl+N)</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Buscar…</translation>
    </message>
    <message>
        <source>Find a booking</source>
        <translation>Buscar una reserva</translation>
    </message>
    <message>
        <source>Find a booking by plate, phone, name or code (Ctrl+F)</source>
        <translation>Buscar una reserva por matrícula, teléfono, nombre o código (Ctrl+F)</translation>
    </message>
    <message>
        <source>Site set&amp;up…</source>
        <translation>Config&amp;uración del local…</translation>
    </message>
    <message>
        <source>Opening hours, closures, services, prices and bays (managers)</source>
        <translation>Horario, cierres, servicios, precios y boxes (gerentes)</translation>
    </message>
    <message>
        <source>&amp;Diagnostics…</source>
        <translation>&amp;Diagnóstico…</translation>
    </message>
    <message>
        <source>Live health of the database pool of every desk, kiosk and service (managers)</source>
        <translation>Estado en vivo del pool de base de datos de cada mostrador, quiosco y servicio (gerentes)</translation>
    </message>
    <message>
        <source>Ta&amp;kings…</source>
        <translation>&amp;Ingresos…</translation>
    </message>
    <message>
        <source>The day&apos;s takings</source>
        <translation>Los ingresos del día</translation>
    </message>
    <message>
        <source>End of day: the day&apos;s takings by method, to print or save as CSV (Ctrl+E)</source>
        <translation>Cierre del día: los ingresos del día por forma de pago, para imprimir o guardar como CSV (Ctrl+E)</translation>
    </message>
    <message>
        <source>&amp;Card readers…</source>
        <translation>&amp;Lectores de tarjeta…</translation>
    </message>
    <message>
        <source>Stripe card readers and the desk or kiosk each serves (managers)</source>
        <translation>Lectores de tarjetas de Stripe y el mostrador o quiosco al que sirve cada uno (encargados)</translation>
    </message>
    <message>
        <source>Manager screens</source>
        <translation>Pantallas de gerencia</translation>
    </message>
    <message>
        <source>Database s&amp;ettings…</source>
        <translation>&amp;Ajustes de la base de datos…</translation>
    </message>
    <message>
        <source>&amp;Manage</source>
        <translation>&amp;Gestionar</translation>
    </message>
    <message>
        <source>Manage</source>
        <translation>Gestionar</translation>
    </message>
    <message>
        <source>&amp;Kiosks…</source>
        <translation>&amp;Quioscos…</translation>
    </message>
    <message>
        <source>The self-service kiosks: language, ways of paying, card reader, running (managers)</source>
        <translation>Los quioscos de autoservicio: idioma, formas de pago, lector de tarjetas, en marcha (gerentes)</translation>
    </message>
    <message>
        <source>&amp;Backups…</source>
        <translation>Copias de &amp;seguridad…</translation>
    </message>
    <message>
        <source>Backups of the database: the last one, the folder, Back up now (managers)</source>
        <translation>Copias de seguridad de la base de datos: la última, la carpeta, Copiar ahora (gerentes)</translation>
    </message>
    <message>
        <source>Site set-up, staff, card readers, kiosks, backups, database settings and diagnostics (managers)</source>
        <translation>Configuración del local, personal, lectores de tarjetas, quioscos, copias de seguridad, ajustes de la base de datos y diagnóstico (gerentes)</translation>
    </message>
</context>
<context>
    <name>SettingsFirstRunPage</name>
    <message>
        <source>%1. Accepted: %2.</source>
        <translation>%1. Se acepta: %2.</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>Who is signing in?</source>
        <translation>¿Quién inicia sesión?</translation>
    </message>
    <message>
        <source>Choose your name, type your PIN and press Enter.</source>
        <translation>Elija su nombre, escriba su PIN y pulse Intro.</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Aviso</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Personal</translation>
    </message>
    <message>
        <source>Choose your name, then type your PIN.</source>
        <translation>Elija su nombre y escriba su PIN.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>&amp;PIN:</source>
        <translation>&amp;PIN:</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>%1 to %2 digits; press Enter to sign in.</source>
        <translation>De %1 a %2 cifras; pulse Intro para iniciar sesión.</translation>
    </message>
    <message>
        <source>%1 to %2 digits</source>
        <translation>De %1 a %2 cifras</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation>&amp;Iniciar sesión</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <source>Sign-in message</source>
        <translation>Mensaje de inicio de sesión</translation>
    </message>
    <message>
        <source>Loading staff…</source>
        <translation>Cargando el personal…</translation>
    </message>
    <message>
        <source>The staff list could not be loaded. %1</source>
        <translation>No se pudo cargar la lista del personal. %1</translation>
    </message>
    <message>
        <source>Locked, %1 left</source>
        <translation>Bloqueado, queda %1</translation>
    </message>
    <message>
        <source>Checking PIN…</source>
        <translation>Comprobando el PIN…</translation>
    </message>
    <message>
        <source>Choose your name in the list first.</source>
        <translation>Primero elija su nombre en la lista.</translation>
    </message>
    <message>
        <source>Signing in failed. %1</source>
        <translation>No se pudo iniciar sesión. %1</translation>
    </message>
    <message>
        <source>%1 can no longer sign in here. Ask a manager.</source>
        <translation>%1 ya no puede iniciar sesión aquí. Consulte a un gerente.</translation>
    </message>
    <message>
        <source>Nobody can sign in: everyone on the staff list has been deactivated. Ask your administrator.</source>
        <translation>Nadie puede iniciar sesión: todo el personal de la lista está desactivado. Consulte a su administrador.</translation>
    </message>
</context>
<context>
    <name>SiteConfigFile</name>
    <message>
        <source>%1 cannot be read (%2); it names this PC&apos;s site database: ask the administrator to make it readable for everyone (chmod 0644).</source>
        <translation>No se puede leer %1 (%2); indica la base de datos de la sede de este PC: pida al administrador que lo haga legible para todos (chmod 0644).</translation>
    </message>
    <message>
        <source>%1, line %2: expected KEY=VALUE.</source>
        <translation>%1, línea %2: se esperaba KEY=VALUE.</translation>
    </message>
    <message>
        <source>%1, line %2: unknown setting &quot;%3&quot; ignored; the file holds DATABASE_URL only.</source>
        <translation>%1, línea %2: ajuste desconocido &quot;%3&quot; ignorado; el archivo solo contiene DATABASE_URL.</translation>
    </message>
    <message>
        <source>%1 has no DATABASE_URL; write DATABASE_URL=postgresql://… into it, or remove it to use each program&apos;s own settings.</source>
        <translation>%1 no tiene DATABASE_URL; escriba DATABASE_URL=postgresql://… en él, o elimínelo para usar los ajustes propios de cada programa.</translation>
    </message>
    <message>
        <source>%1 holds a password, which everyone on this PC can read: take it out of DATABASE_URL and keep it in each user&apos;s keychain (carwash-admin site join).</source>
        <translation>%1 contiene una contraseña que cualquiera en este PC puede leer: quítela de DATABASE_URL y guárdela en el llavero de cada usuario (carwash-admin site join).</translation>
    </message>
    <message>
        <source>The connection for %1 must not hold a password.</source>
        <translation>La conexión para %1 no debe contener una contraseña.</translation>
    </message>
    <message>
        <source>The folder %1 cannot be made.</source>
        <translation>No se puede crear la carpeta %1.</translation>
    </message>
    <message>
        <source>%1 cannot be written: %2</source>
        <translation>No se puede escribir %1: %2</translation>
    </message>
</context>
<context>
    <name>SiteDatabase</name>
    <message>
        <source>The database %1 exists already and belongs to %2, not to %3; nothing was changed. Give it to %3 (ALTER DATABASE %1 OWNER TO %3) if it is the site&apos;s, or choose another name.</source>
        <translation>La base de datos %1 ya existe y pertenece a %2, no a %3; no se cambió nada. Désela a %3 (ALTER DATABASE %1 OWNER TO %3) si es la de la sede, o elija otro nombre.</translation>
    </message>
</context>
<context>
    <name>SiteSettings</name>
    <message>
        <source>an IANA time zone such as Europe/Berlin or America/New_York</source>
        <translation>una zona horaria IANA, como Europe/Madrid o America/Mexico_City</translation>
    </message>
    <message>
        <source>a whole number from %1 to %2</source>
        <translation>un número entero de %1 a %2</translation>
    </message>
    <message>
        <source>Unknown setting &quot;%1&quot;. Settable keys: %2.</source>
        <translation>Ajuste desconocido: «%1». Claves que se pueden cambiar: %2.</translation>
    </message>
    <message>
        <source>%1 must be %2; &quot;%3&quot; is not one.</source>
        <translation>%1 debe ser %2; «%3» no lo es.</translation>
    </message>
    <message>
        <source>%1 must be %2; &quot;%3&quot; is not.</source>
        <translation>%1 debe ser %2; «%3» no lo es.</translation>
    </message>
    <message>
        <source>text of %1 to %2 characters</source>
        <translation>un texto de %1 a %2 caracteres</translation>
    </message>
    <message>
        <source>a three-letter currency code such as USD or EUR</source>
        <translation>un código de moneda de tres letras como USD o EUR</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation>true o false</translation>
    </message>
    <message>
        <source>%1 must be %2 without control characters.</source>
        <translation>%1 debe ser %2 sin caracteres de control.</translation>
    </message>
    <message>
        <source>%1 must be %2; it has %3.</source>
        <translation>%1 debe ser %2; tiene %3.</translation>
    </message>
    <message>
        <source>a percentage from 0 to %1 with at most two decimals, such as %2</source>
        <translation>un porcentaje de 0 a %1 con dos decimales como máximo, como %2</translation>
    </message>
    <message>
        <source>The site&apos;s time zone; opening hours and slots are in it</source>
        <translation>La zona horaria del local; el horario de apertura y las franjas se expresan en ella</translation>
    </message>
    <message>
        <source>Minutes between possible start times</source>
        <translation>Minutos entre horas de inicio posibles</translation>
    </message>
    <message>
        <source>Cleanup minutes a bay stays busy after each booking</source>
        <translation>Minutos de limpieza que un box sigue ocupado tras cada reserva</translation>
    </message>
    <message>
        <source>Minutes between now and the earliest bookable start</source>
        <translation>Minutos entre ahora y el primer inicio reservable</translation>
    </message>
    <message>
        <source>How many days ahead bookings may be made</source>
        <translation>Con cuántos días de antelación se puede reservar</translation>
    </message>
    <message>
        <source>Minutes an unpaid kiosk hold keeps its slot</source>
        <translation>Minutos que una reserva provisional del quiosco sin pagar retiene su franja</translation>
    </message>
    <message>
        <source>The business name printed on receipts</source>
        <translation>El nombre del negocio impreso en los recibos</translation>
    </message>
    <message>
        <source>The address printed on receipts; one line per line</source>
        <translation>La dirección impresa en los recibos; una línea por línea</translation>
    </message>
    <message>
        <source>The currency of every price</source>
        <translation>La moneda de todos los precios</translation>
    </message>
    <message>
        <source>The sales tax rate shown on receipts, in percent</source>
        <translation>El tipo de impuesto sobre ventas de los recibos, en porcentaje</translation>
    </message>
    <message>
        <source>Whether menu prices already include the tax</source>
        <translation>Si los precios del menú ya incluyen el impuesto</translation>
    </message>
    <message>
        <source>Days a stopped process&apos;s health snapshot is kept before maintenance removes it</source>
        <translation>Días que se conserva el estado de un proceso detenido antes de que el mantenimiento lo elimine</translation>
    </message>
    <message>
        <source>Days audit log entries are kept before maintenance removes them</source>
        <translation>Días que se conservan las entradas del registro de auditoría antes de que el mantenimiento las elimine</translation>
    </message>
    <message>
        <source>%1 must be %2.</source>
        <translation>%1 debe ser %2.</translation>
    </message>
    <message>
        <source>Seconds without a touch before a kiosk asks &quot;Still there?&quot;</source>
        <translation>Segundos sin un toque antes de que un quiosco pregunte «¿Sigue ahí?»</translation>
    </message>
    <message>
        <source>Days processed payment events and answered attendant calls are kept before maintenance removes them</source>
        <translation>Días que se conservan los eventos de pago procesados y las llamadas de quioscos ya atendidas antes de que el mantenimiento los elimine</translation>
    </message>
    <message>
        <source>is not allowed: name each web site (any site at all would let every page on the internet book in your name).</source>
        <translation>no está permitido: indique cada sitio web (cualquier sitio permitiría que cualquier página de internet reserve en su nombre).</translation>
    </message>
    <message>
        <source>is not a web site&apos;s origin such as https://www.example.com.</source>
        <translation>no es el origen de un sitio web como https://www.example.com.</translation>
    </message>
    <message>
        <source>is not an address or range such as 10.0.0.5 or 10.0.0.0/8.</source>
        <translation>no es una dirección o rango como 10.0.0.5 o 10.0.0.0/8.</translation>
    </message>
    <message>
        <source>Minutes before its start until which a customer may move or cancel a booking online</source>
        <translation>Minutos antes del inicio hasta los que un cliente puede cambiar o cancelar una reserva en línea</translation>
    </message>
    <message>
        <source>Bookings and changes one client may send to the online API at once</source>
        <translation>Reservas y cambios que un cliente puede enviar de una vez a la API en línea</translation>
    </message>
    <message>
        <source>Bookings and changes per minute a client&apos;s allowance refills by; 0 turns the limit off</source>
        <translation>Reservas y cambios por minuto con los que se repone el margen de un cliente; 0 desactiva el límite</translation>
    </message>
    <message>
        <source>Web sites whose pages may call the online API, such as https://www.example.com; separated by spaces</source>
        <translation>Sitios web cuyas páginas pueden llamar a la API en línea, como https://www.example.com; separados por espacios</translation>
    </message>
    <message>
        <source>Reverse proxies whose X-Forwarded-For names the real client: addresses or ranges such as 10.0.0.0/8, separated by spaces</source>
        <translation>Proxies inversos cuyo X-Forwarded-For indica el cliente real: direcciones o rangos como 10.0.0.0/8, separados por espacios</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; %3</source>
        <translation>%1: &quot;%2&quot; %3</translation>
    </message>
    <message>
        <source>one of %1</source>
        <translation>uno de %1</translation>
    </message>
    <message>
        <source>The SMTP server confirmation e-mails are sent through; empty: no e-mails are sent (they wait in the queue)</source>
        <translation>El servidor SMTP por el que se envían los correos de confirmación; vacío: no se envían correos (esperan en la cola)</translation>
    </message>
    <message>
        <source>The SMTP server&apos;s port</source>
        <translation>El puerto del servidor SMTP</translation>
    </message>
    <message>
        <source>How the connection to the SMTP server is encrypted: none, starttls or tls</source>
        <translation>Cómo se cifra la conexión con el servidor SMTP: none, starttls o tls</translation>
    </message>
    <message>
        <source>The user name for the SMTP server; empty: no login. The password is set in carwash-server&apos;s environment (CARWASH_SMTP_PASSWORD)</source>
        <translation>El usuario del servidor SMTP; vacío: sin inicio de sesión. La contraseña se define en el entorno de carwash-server (CARWASH_SMTP_PASSWORD)</translation>
    </message>
    <message>
        <source>The sender address of confirmation e-mails, such as bookings@example.com</source>
        <translation>La dirección remitente de los correos de confirmación, como bookings@example.com</translation>
    </message>
    <message>
        <source>The language of e-mails to customers who did not choose one</source>
        <translation>El idioma de los correos a clientes que no eligieron ninguno</translation>
    </message>
    <message>
        <source>%1 must be an e-mail address such as bookings@example.com; &quot;%2&quot; is not.</source>
        <translation>%1 debe ser una dirección de correo como bookings@example.com; «%2» no lo es.</translation>
    </message>
    <message>
        <source>%1 must be a host name or address such as smtp.example.com; &quot;%2&quot; is not.</source>
        <translation>%1 debe ser un nombre de host o una dirección como smtp.example.com; «%2» no lo es.</translation>
    </message>
    <message>
        <source>%1 may not contain spaces.</source>
        <translation>%1 no puede contener espacios.</translation>
    </message>
    <message>
        <source>Days the daily backups of this PC&apos;s database are kept before they are deleted</source>
        <translation>Días que se guardan las copias diarias de la base de datos de este PC antes de borrarlas</translation>
    </message>
    <message>
        <source>The folder backups are written to, such as a USB disk; empty: the backups folder in the data folder</source>
        <translation>La carpeta donde se escriben las copias, como un disco USB; vacío: la carpeta backups de la carpeta de datos</translation>
    </message>
    <message>
        <source>%1 must be a full path such as /media/usb/carwash-backups; &quot;%2&quot; is not.</source>
        <translation>%1 debe ser una ruta completa como /media/usb/carwash-backups; &quot;%2&quot; no lo es.</translation>
    </message>
</context>
<context>
    <name>SiteSettingsPage</name>
    <message>
        <source>Time &amp;zone:</source>
        <translation>&amp;Zona horaria:</translation>
    </message>
    <message>
        <source>Slot e&amp;very (minutes):</source>
        <translation>F&amp;ranja cada (minutos):</translation>
    </message>
    <message>
        <source>Clean-up buffe&amp;r (minutes):</source>
        <translation>Margen de &amp;limpieza (minutos):</translation>
    </message>
    <message>
        <source>Minimum &amp;notice (minutes):</source>
        <translation>A&amp;ntelación mínima (minutos):</translation>
    </message>
    <message>
        <source>Boo&amp;k ahead (days):</source>
        <translation>Reser&amp;var con antelación (días):</translation>
    </message>
    <message>
        <source>Kiosk h&amp;old (minutes):</source>
        <translation>Reten&amp;ción en quiosco (minutos):</translation>
    </message>
    <message>
        <source>Business na&amp;me:</source>
        <translation>Nom&amp;bre del negocio:</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>&amp;Dirección:</translation>
    </message>
    <message>
        <source>&amp;Currency:</source>
        <translation>&amp;Moneda:</translation>
    </message>
    <message>
        <source>Ta&amp;x rate (%):</source>
        <translation>&amp;Impuesto (%):</translation>
    </message>
    <message>
        <source>Prices include the &amp;tax</source>
        <translation>Los precios incluyen el im&amp;puesto</translation>
    </message>
    <message>
        <source>%1. Accepted: %2.</source>
        <translation>%1. Se admite: %2.</translation>
    </message>
    <message>
        <source>&amp;Save site settings</source>
        <translation>&amp;Guardar ajustes del local</translation>
    </message>
    <message>
        <source>Save the site settings</source>
        <translation>Guardar los ajustes del local</translation>
    </message>
    <message>
        <source>&amp;Undo changes</source>
        <translation>Des&amp;hacer cambios</translation>
    </message>
    <message>
        <source>Undo the changes not saved yet</source>
        <translation>Deshacer los cambios aún no guardados</translation>
    </message>
    <message>
        <source>The site settings could not be loaded.</source>
        <translation>No se pudieron cargar los ajustes del local.</translation>
    </message>
    <message>
        <source>No changes to save.</source>
        <translation>No hay cambios que guardar.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>The site settings were not saved.</source>
        <translation>Los ajustes del local no se guardaron.</translation>
    </message>
    <message numerus="yes">
        <source>Saved (%n setting(s) changed).</source>
        <translation>
            <numerusform>Guardado (%n ajuste cambiado).</numerusform>
            <numerusform>Guardado (%n ajustes cambiados).</numerusform>
        </translation>
    </message>
    <message>
        <source>Kiosk idle (seconds):</source>
        <translation>Inactividad del quiosco (segundos):</translation>
    </message>
    <message>
        <source>SMTP server:</source>
        <translation>Servidor SMTP:</translation>
    </message>
    <message>
        <source>SMTP port:</source>
        <translation>Puerto SMTP:</translation>
    </message>
    <message>
        <source>SMTP encryption:</source>
        <translation>Cifrado SMTP:</translation>
    </message>
    <message>
        <source>SMTP user:</source>
        <translation>Usuario SMTP:</translation>
    </message>
    <message>
        <source>E-mail sender:</source>
        <translation>Remitente de correo:</translation>
    </message>
    <message>
        <source>E-mail language:</source>
        <translation>Idioma del correo:</translation>
    </message>
    <message>
        <source>Online changes until (minutes before):</source>
        <translation>Cambios en línea hasta (minutos antes):</translation>
    </message>
    <message>
        <source>Online API burst:</source>
        <translation>Ráfaga de la API en línea:</translation>
    </message>
    <message>
        <source>Online API changes per minute:</source>
        <translation>Cambios por minuto en la API en línea:</translation>
    </message>
    <message>
        <source>Web sites allowed (CORS):</source>
        <translation>Sitios web permitidos (CORS):</translation>
    </message>
    <message>
        <source>Trusted proxies:</source>
        <translation>Proxies de confianza:</translation>
    </message>
    <message>
        <source>Keep process health (days):</source>
        <translation>Conservar el estado de los procesos (días):</translation>
    </message>
    <message>
        <source>Keep the audit log (days):</source>
        <translation>Conservar el registro de auditoría (días):</translation>
    </message>
    <message>
        <source>Keep Stripe events (days):</source>
        <translation>Conservar los eventos de Stripe (días):</translation>
    </message>
    <message>
        <source>Keep backups (days):</source>
        <translation>Conservar las copias de seguridad (días):</translation>
    </message>
    <message>
        <source>Backup folder:</source>
        <translation>Carpeta de copias de seguridad:</translation>
    </message>
</context>
<context>
    <name>SiteSetupDialog</name>
    <message>
        <source>Site setup</source>
        <translation>Configuración del local</translation>
    </message>
    <message>
        <source>Site setup sections</source>
        <translation>Secciones de la configuración del local</translation>
    </message>
    <message>
        <source>S&amp;ite</source>
        <translation>&amp;Local</translation>
    </message>
    <message>
        <source>Opening &amp;hours</source>
        <translation>&amp;Horario</translation>
    </message>
    <message>
        <source>C&amp;losures</source>
        <translation>C&amp;ierres</translation>
    </message>
    <message>
        <source>Services &amp;&amp; &amp;prices</source>
        <translation>Servicios &amp;&amp; &amp;precios</translation>
    </message>
    <message>
        <source>A&amp;dd-ons</source>
        <translation>E&amp;xtras</translation>
    </message>
    <message>
        <source>&amp;Bays</source>
        <translation>&amp;Boxes</translation>
    </message>
    <message>
        <source>The services, add-ons and bays could not be loaded. %1</source>
        <translation>No se pudieron cargar los servicios, extras y boxes. %1</translation>
    </message>
</context>
<context>
    <name>SiteSetupPage</name>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problema</translation>
    </message>
    <message>
        <source>Nothing was saved: correct the fields marked in red.</source>
        <translation>No se guardó nada: corrija los campos marcados en rojo.</translation>
    </message>
    <message>
        <source>Nothing was saved: %1</source>
        <translation>No se guardó nada: %1</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Guardado.</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
</context>
<context>
    <name>SlotPlanner</name>
    <message>
        <source>The car wash is closed on %1.</source>
        <translation>El autolavado está cerrado el %1.</translation>
    </message>
    <message numerus="yes">
        <source>%1 is too far ahead: bookings can be made up to %n day(s) ahead.</source>
        <translation>
            <numerusform>%1 está demasiado lejos: se puede reservar con hasta %n día de antelación.</numerusform>
            <numerusform>%1 está demasiado lejos: se puede reservar con hasta %n días de antelación.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is outside the opening hours of %2 (%3), or the wash would not end by closing time.</source>
        <translation>%1 está fuera del horario de apertura (%2: %3), o el lavado no terminaría antes del cierre.</translation>
    </message>
    <message numerus="yes">
        <source>%1 is not a start time: starts are every %n minute(s) from the opening time.</source>
        <translation>
            <numerusform>%1 no es una hora de inicio: se empieza cada %n minuto desde la hora de apertura.</numerusform>
            <numerusform>%1 no es una hora de inicio: se empieza cada %n minutos desde la hora de apertura.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 is in the past or sooner than the minimum notice of %n minute(s).</source>
        <translation>
            <numerusform>%1 ya ha pasado o no respeta la antelación mínima de %n minuto.</numerusform>
            <numerusform>%1 ya ha pasado o no respeta la antelación mínima de %n minutos.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SlowQueryModel</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Etiqueta</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>SQL</source>
        <translation>SQL</translation>
    </message>
</context>
<context>
    <name>SpeakButton</name>
    <message>
        <source>Speak</source>
        <translation>Escuchar</translation>
    </message>
    <message>
        <source>Hold for two seconds to hear the screen read aloud.</source>
        <translation>Mantenga pulsado dos segundos para oír la pantalla en voz alta.</translation>
    </message>
    <message>
        <source>Hold to hear the screen read aloud</source>
        <translation>Mantenga pulsado para oír la pantalla en voz alta</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <source>Staff</source>
        <translation>Personal</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>&amp;Add person…</source>
        <translation>&amp;Añadir persona…</translation>
    </message>
    <message>
        <source>Add a person</source>
        <translation>Añadir una persona</translation>
    </message>
    <message>
        <source>&amp;New PIN…</source>
        <translation>&amp;Nuevo PIN…</translation>
    </message>
    <message>
        <source>Give the selected person a new PIN</source>
        <translation>Dar un PIN nuevo a la persona seleccionada</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>The staff list could not be loaded. %1</source>
        <translation>No se pudo cargar la lista del personal. %1</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Activo</translation>
    </message>
    <message>
        <source>No longer active</source>
        <translation>Ya no está activo</translation>
    </message>
    <message>
        <source>Locked, %1 left</source>
        <translation>Bloqueado, queda %1</translation>
    </message>
    <message>
        <source>&amp;Deactivate</source>
        <translation>&amp;Desactivar</translation>
    </message>
    <message>
        <source>&amp;Reactivate</source>
        <translation>&amp;Reactivar</translation>
    </message>
    <message>
        <source>Deactivate the selected person: their PIN no longer signs in</source>
        <translation>Desactivar a la persona seleccionada: su PIN ya no permite iniciar sesión</translation>
    </message>
    <message>
        <source>Reactivate the selected person</source>
        <translation>Reactivar a la persona seleccionada</translation>
    </message>
    <message>
        <source>Make &amp;staff</source>
        <translation>Pasar a &amp;empleado</translation>
    </message>
    <message>
        <source>Make &amp;manager</source>
        <translation>Pasar a &amp;gerente</translation>
    </message>
    <message>
        <source>Make the selected person staff, not a manager</source>
        <translation>Hacer de la persona seleccionada un empleado, no un gerente</translation>
    </message>
    <message>
        <source>Make the selected person a manager</source>
        <translation>Hacer gerente a la persona seleccionada</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>%1 was not changed. %2</source>
        <translation>%1 no se ha cambiado. %2</translation>
    </message>
    <message>
        <source>%1 is active again and may sign in.</source>
        <translation>%1 vuelve a estar activo y puede iniciar sesión.</translation>
    </message>
    <message>
        <source>%1 is no longer active; their PIN no longer signs in.</source>
        <translation>%1 ya no está activo; su PIN ya no permite iniciar sesión.</translation>
    </message>
    <message>
        <source>%1 is now %2.</source>
        <translation>%1 es ahora %2.</translation>
    </message>
</context>
<context>
    <name>StaffFormDialog</name>
    <message>
        <source>Add a person</source>
        <translation>Añadir una persona</translation>
    </message>
    <message>
        <source>New PIN for %1</source>
        <translation>Nuevo PIN para %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Rol:</translation>
    </message>
    <message>
        <source>%1 (%2). A new PIN also lifts a lock-out.</source>
        <translation>%1 (%2). Un PIN nuevo también quita el bloqueo.</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>%1 to %2 digits</source>
        <translation>De %1 a %2 cifras</translation>
    </message>
    <message>
        <source>&amp;PIN:</source>
        <translation>&amp;PIN:</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>Repetir PIN</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problema</translation>
    </message>
    <message>
        <source>&amp;Add person</source>
        <translation>&amp;Añadir persona</translation>
    </message>
    <message>
        <source>&amp;Set new PIN</source>
        <translation>&amp;Establecer nuevo PIN</translation>
    </message>
    <message>
        <source>Type the person&apos;s name.</source>
        <translation>Escriba el nombre de la persona.</translation>
    </message>
    <message>
        <source>Adding…</source>
        <translation>Añadiendo…</translation>
    </message>
    <message>
        <source>Saving the new PIN…</source>
        <translation>Guardando el nuevo PIN…</translation>
    </message>
    <message>
        <source>Someone called %1 is already on the staff list.</source>
        <translation>Ya hay alguien llamado %1 en la lista del personal.</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>%1 was added (%2).</source>
        <translation>Se añadió a %1 (%2).</translation>
    </message>
    <message>
        <source>%1 has a new PIN.</source>
        <translation>%1 tiene un PIN nuevo.</translation>
    </message>
    <message>
        <source>PIN a&amp;gain:</source>
        <translation>Repetir P&amp;IN:</translation>
    </message>
</context>
<context>
    <name>StaffRepo</name>
    <message>
        <source>A PIN is %1 to %2 digits, nothing else.</source>
        <translation>Un PIN tiene de %1 a %2 cifras, nada más.</translation>
    </message>
    <message>
        <source>Only a manager who is still active can change staff.</source>
        <translation>Solo un gerente que siga activo puede cambiar el personal.</translation>
    </message>
    <message>
        <source>A name is 1 to 100 characters.</source>
        <translation>Un nombre tiene de 1 a 100 caracteres.</translation>
    </message>
    <message>
        <source>That person is no longer on the staff list.</source>
        <translation>Esa persona ya no figura en la lista del personal.</translation>
    </message>
    <message>
        <source>%1 is the last active manager. Make someone else a manager first.</source>
        <translation>%1 es el último gerente activo. Haga gerente antes a otra persona.</translation>
    </message>
</context>
<context>
    <name>StaffText</name>
    <message>
        <source>Staff</source>
        <translation>Empleado</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>Gerente</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
</context>
<context>
    <name>StartupPage</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>Start-up status</source>
        <translation>Estado del arranque</translation>
    </message>
</context>
<context>
    <name>StripeConfig</name>
    <message>
        <source>%1 is not set: carwash-server needs the secret key of the car wash&apos;s Stripe account (it starts with sk_live_, sk_test_ or rk_), in its environment file or its account&apos;s keychain (carwash-server secrets set secret-key).</source>
        <translation>%1 no está definida: carwash-server necesita la clave secreta de la cuenta de Stripe del lavadero (empieza por sk_live_, sk_test_ o rk_), en su archivo de entorno o en el llavero de su cuenta (carwash-server secrets set secret-key).</translation>
    </message>
    <message>
        <source>%1 holds a publishable key (pk_…): the server needs the secret key, which starts with sk_live_, sk_test_ or rk_.</source>
        <translation>%1 contiene una clave publicable (pk_…): el servidor necesita la clave secreta, que empieza por sk_live_, sk_test_ o rk_.</translation>
    </message>
    <message>
        <source>%1 is not a Stripe secret key: it should start with sk_live_, sk_test_ or rk_ and hold no spaces.</source>
        <translation>%1 no es una clave secreta de Stripe: debe empezar por sk_live_, sk_test_ o rk_ y no contener espacios.</translation>
    </message>
    <message>
        <source>%1 is not set: carwash-server needs the signing secret of the Stripe webhook endpoint (whsec_…, shown in Stripe&apos;s dashboard; several separated by commas while one is replaced), in its environment file or its account&apos;s keychain (carwash-server secrets set webhook-secret).</source>
        <translation>%1 no está definida: carwash-server necesita el secreto de firma del endpoint de webhooks de Stripe (whsec_…, visible en el panel de Stripe; varios separados por comas mientras se sustituye uno), en su archivo de entorno o en el llavero de su cuenta (carwash-server secrets set webhook-secret).</translation>
    </message>
    <message>
        <source>%1: value %2 of %3 is not a webhook signing secret; each starts with whsec_.</source>
        <translation>%1: el valor %2 de %3 no es un secreto de firma de webhooks; todos empiezan por whsec_.</translation>
    </message>
    <message>
        <source>%1 is not an http or https address without a path (the default is %2).</source>
        <translation>%1 no es una dirección http o https sin ruta (la predeterminada es %2).</translation>
    </message>
    <message>
        <source>The Stripe API version is empty; it should be a date such as %1.</source>
        <translation>La versión de la API de Stripe está vacía; debe ser una fecha como %1.</translation>
    </message>
    <message>
        <source>The Stripe request timeout must be more than 0 ms.</source>
        <translation>El tiempo de espera de las solicitudes a Stripe debe ser mayor que 0 ms.</translation>
    </message>
    <message>
        <source>The number of retries of a Stripe request must be between 0 and 10.</source>
        <translation>El número de reintentos de una solicitud a Stripe debe estar entre 0 y 10.</translation>
    </message>
    <message>
        <source>The retry delays of Stripe requests must be 0 ms or more, the longest no shorter than the first.</source>
        <translation>Las esperas entre reintentos de solicitudes a Stripe deben ser de 0 ms o más, y la más larga no puede ser menor que la primera.</translation>
    </message>
</context>
<context>
    <name>StripeError</name>
    <message>
        <source>Stripe could not be reached. Check the server&apos;s internet connection, then try again.</source>
        <translation>No se pudo contactar con Stripe. Compruebe la conexión a internet del servidor y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>Stripe did not answer in time. Try again in a minute; if it keeps happening, check the server&apos;s internet connection.</source>
        <translation>Stripe no respondió a tiempo. Vuelva a intentarlo dentro de un minuto; si sigue ocurriendo, compruebe la conexión a internet del servidor.</translation>
    </message>
    <message>
        <source>Stripe is receiving too many requests from this account right now. Try again in a minute.</source>
        <translation>Stripe está recibiendo demasiadas solicitudes de esta cuenta en este momento. Vuelva a intentarlo dentro de un minuto.</translation>
    </message>
    <message>
        <source>Stripe had a problem on its side. Try again in a few minutes; Stripe&apos;s status page says whether it is down.</source>
        <translation>Stripe tuvo un problema por su parte. Vuelva a intentarlo dentro de unos minutos; la página de estado de Stripe indica si el servicio está caído.</translation>
    </message>
    <message>
        <source>Stripe is still busy with an earlier request for this payment. Try again in a moment.</source>
        <translation>Stripe sigue ocupado con una solicitud anterior de este pago. Vuelva a intentarlo en un momento.</translation>
    </message>
    <message>
        <source>Stripe refused the server&apos;s secret key. Check STRIPE_SECRET_KEY in carwash-server&apos;s settings.</source>
        <translation>Stripe rechazó la clave secreta del servidor. Compruebe STRIPE_SECRET_KEY en la configuración de carwash-server.</translation>
    </message>
    <message>
        <source>The server&apos;s Stripe key is not allowed to do this. Give it access to Checkout, payments, Terminal and refunds in Stripe&apos;s dashboard.</source>
        <translation>La clave de Stripe del servidor no tiene permiso para esto. Dele acceso a Checkout, pagos, Terminal y reembolsos en el panel de Stripe.</translation>
    </message>
    <message>
        <source>Stripe refused the request: %1. Check the payment&apos;s details; if they look right, tell your support contact.</source>
        <translation>Stripe rechazó la solicitud: %1. Revise los datos del pago; si son correctos, avise a su contacto de soporte.</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>sin motivo indicado</translation>
    </message>
    <message>
        <source>Stripe already received this request with other details and refused to repeat it. Start the payment again.</source>
        <translation>Stripe ya recibió esta solicitud con otros datos y se negó a repetirla. Inicie el pago de nuevo.</translation>
    </message>
    <message>
        <source>The card was declined: %1. Ask for another card or another way of paying.</source>
        <translation>La tarjeta fue rechazada: %1. Pida otra tarjeta u otra forma de pago.</translation>
    </message>
    <message>
        <source>Stripe does not know this payment, session or reader. It may belong to another Stripe account or to test mode; check the server&apos;s Stripe key.</source>
        <translation>Stripe no conoce este pago, sesión o lector. Puede pertenecer a otra cuenta de Stripe o al modo de prueba; compruebe la clave de Stripe del servidor.</translation>
    </message>
    <message>
        <source>Card payments are not set up on the server: %1</source>
        <translation>Los pagos con tarjeta no están configurados en el servidor: %1</translation>
    </message>
    <message>
        <source>The server stopped before Stripe answered. Try again.</source>
        <translation>El servidor se detuvo antes de que Stripe respondiera. Vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>Stripe keeps at most 50 metadata keys.</source>
        <translation>Stripe guarda como máximo 50 claves de metadatos.</translation>
    </message>
    <message>
        <source>The metadata key &quot;%1&quot; is not one Stripe accepts (1 to 40 characters, no brackets).</source>
        <translation>Stripe no acepta la clave de metadatos «%1» (de 1 a 40 caracteres, sin corchetes).</translation>
    </message>
    <message>
        <source>The metadata value of &quot;%1&quot; is longer than Stripe&apos;s 500 characters.</source>
        <translation>El valor de metadatos de «%1» supera los 500 caracteres que admite Stripe.</translation>
    </message>
    <message>
        <source>The currency &quot;%1&quot; is not a three-letter ISO code.</source>
        <translation>La moneda «%1» no es un código ISO de tres letras.</translation>
    </message>
    <message>
        <source>A Checkout session needs at least one line item.</source>
        <translation>Una sesión de Checkout necesita al menos una línea.</translation>
    </message>
    <message>
        <source>Line item %1 has no name.</source>
        <translation>La línea %1 no tiene nombre.</translation>
    </message>
    <message>
        <source>Line item %1 has a negative price.</source>
        <translation>La línea %1 tiene un precio negativo.</translation>
    </message>
    <message>
        <source>Line item %1 has a quantity below 1.</source>
        <translation>La línea %1 tiene una cantidad menor que 1.</translation>
    </message>
    <message>
        <source>A Checkout session needs both the page after paying and the page after cancelling.</source>
        <translation>Una sesión de Checkout necesita tanto la página tras pagar como la página tras cancelar.</translation>
    </message>
    <message>
        <source>A Checkout session must expire between 30 minutes and 24 hours from now (Stripe&apos;s limits), not at %1.</source>
        <translation>Una sesión de Checkout debe caducar entre 30 minutos y 24 horas a partir de ahora (los límites de Stripe), no a las %1.</translation>
    </message>
    <message>
        <source>A card payment must be for more than 0.</source>
        <translation>Un pago con tarjeta debe ser por más de 0.</translation>
    </message>
    <message>
        <source>The reader&apos;s cart has no lines.</source>
        <translation>El carrito del lector no tiene líneas.</translation>
    </message>
    <message>
        <source>Every line of the reader&apos;s cart needs a description and a quantity of at least 1.</source>
        <translation>Cada línea del carrito del lector necesita una descripción y una cantidad de al menos 1.</translation>
    </message>
    <message>
        <source>The reader&apos;s cart has a negative total.</source>
        <translation>El carrito del lector tiene un total negativo.</translation>
    </message>
    <message>
        <source>A card refund needs the payment&apos;s PaymentIntent (pi_…).</source>
        <translation>Un reembolso con tarjeta necesita el PaymentIntent del pago (pi_…).</translation>
    </message>
    <message>
        <source>A refund must be for more than 0.</source>
        <translation>Un reembolso debe ser por más de 0.</translation>
    </message>
    <message>
        <source>Stripe knows the refund reasons %1 only.</source>
        <translation>Stripe solo admite los motivos de reembolso %1.</translation>
    </message>
    <message>
        <source>The Stripe client was shut down.</source>
        <translation>El cliente de Stripe se cerró.</translation>
    </message>
    <message>
        <source>No PaymentIntent was given.</source>
        <translation>No se indicó ningún PaymentIntent.</translation>
    </message>
    <message>
        <source>No Stripe id was given.</source>
        <translation>No se indicó ningún identificador de Stripe.</translation>
    </message>
    <message>
        <source>The request has no idempotency key of 1 to 255 characters.</source>
        <translation>La solicitud no tiene una clave de idempotencia de 1 a 255 caracteres.</translation>
    </message>
</context>
<context>
    <name>StripeEvent</name>
    <message>
        <source>The event is not JSON (%1 at byte %2).</source>
        <translation>El evento no es JSON (%1 en el byte %2).</translation>
    </message>
    <message>
        <source>The event is not a JSON object.</source>
        <translation>El evento no es un objeto JSON.</translation>
    </message>
    <message>
        <source>The body is a Stripe %1, not an event.</source>
        <translation>El contenido es un objeto %1 de Stripe, no un evento.</translation>
    </message>
    <message>
        <source>The event has no id or no type.</source>
        <translation>El evento no tiene identificador o no tiene tipo.</translation>
    </message>
    <message>
        <source>The event %1 has no data.object.</source>
        <translation>El evento %1 no tiene data.object.</translation>
    </message>
</context>
<context>
    <name>StripeSecrets</name>
    <message numerus="yes">
        <source>%n secret(s): %1</source>
        <translation>
            <numerusform>%n secreto: %1</numerusform>
            <numerusform>%n secretos: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>the entry %1 is empty</source>
        <translation>la entrada %1 está vacía</translation>
    </message>
</context>
<context>
    <name>TakingsWindow</name>
    <message>
        <source>Cash</source>
        <translation>Efectivo</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Tarjeta</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Moneda</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Forma de pago</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Pagos</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>Cobrado</translation>
    </message>
    <message>
        <source>Tax in it</source>
        <translation>Impuesto incluido</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>Reembolsos</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>Reembolsado</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>Neto</translation>
    </message>
    <message>
        <source>Takings</source>
        <translation>Ingresos</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <source>&amp;Day:</source>
        <translation>&amp;Día:</translation>
    </message>
    <message>
        <source>Takings by method</source>
        <translation>Ingresos por forma de pago</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>Im&amp;primir…</translation>
    </message>
    <message>
        <source>Save &amp;CSV…</source>
        <translation>Guardar &amp;CSV…</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>Actua&amp;lizar</translation>
    </message>
    <message>
        <source>C&amp;lose</source>
        <translation>Ce&amp;rrar</translation>
    </message>
    <message>
        <source>Adding up the day…</source>
        <translation>Sumando el día…</translation>
    </message>
    <message>
        <source>The takings could not be loaded. %1</source>
        <translation>No se pudieron cargar los ingresos. %1</translation>
    </message>
    <message>
        <source>%1 — takings on %2</source>
        <translation>%1 — ingresos del %2</translation>
    </message>
    <message>
        <source>Takings — %1</source>
        <translation>Ingresos — %1</translation>
    </message>
    <message>
        <source>From %1 to %2 (%3).</source>
        <translation>Del %1 al %2 (%3).</translation>
    </message>
    <message>
        <source>Takings on %1</source>
        <translation>Ingresos del %1</translation>
    </message>
    <message>
        <source>Takings sent to %1.</source>
        <translation>Ingresos enviados a %1.</translation>
    </message>
    <message>
        <source>%1 could not be written: %2</source>
        <translation>No se pudo escribir %1: %2</translation>
    </message>
    <message>
        <source>Save takings as CSV</source>
        <translation>Guardar los ingresos como CSV</translation>
    </message>
    <message>
        <source>takings-%1.csv</source>
        <translation>ingresos-%1.csv</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Archivos CSV (*.csv)</translation>
    </message>
    <message>
        <source>Takings saved as %1.</source>
        <translation>Ingresos guardados como %1.</translation>
    </message>
</context>
<context>
    <name>TimeScreen</name>
    <message>
        <source>Choose your time</source>
        <translation>Elija su hora</translation>
    </message>
    <message>
        <source>Choosing a time for %1</source>
        <translation>Eligiendo una hora para %1</translation>
    </message>
    <message>
        <source>The next free time</source>
        <translation>La próxima hora libre</translation>
    </message>
    <message>
        <source>Another free time</source>
        <translation>Otra hora libre</translation>
    </message>
    <message>
        <source>Finding the next free times…</source>
        <translation>Buscando las próximas horas libres…</translation>
    </message>
    <message>
        <source>Sorry, there is no free time left for this wash. Choose another wash, or see the desk.</source>
        <translation>Lo sentimos, no quedan horas libres para este lavado. Elija otro lavado o diríjase al mostrador.</translation>
    </message>
    <message>
        <source>The next free time is first.</source>
        <translation>La próxima hora libre aparece primero.</translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message>
        <source>Wash menu</source>
        <translation>Carta de lavados</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualizar</translation>
    </message>
    <message>
        <source>Refresh the wash menu</source>
        <translation>Actualizar la carta de lavados</translation>
    </message>
    <message>
        <source>Load the wash menu again (F5)</source>
        <translation>Volver a cargar la carta de lavados (F5)</translation>
    </message>
    <message>
        <source>Wash packages with their time, price per vehicle and add-ons</source>
        <translation>Paquetes de lavado con su duración, precio por vehículo y extras</translation>
    </message>
    <message>
        <source>Package</source>
        <translation>Paquete</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>Car</source>
        <translation>Turismo</translation>
    </message>
    <message>
        <source>SUV</source>
        <translation>SUV</translation>
    </message>
    <message>
        <source>Truck</source>
        <translation>Camioneta</translation>
    </message>
    <message>
        <source>Add-ons</source>
        <translation>Extras</translation>
    </message>
    <message>
        <source>No wash packages are set up yet. Ask your manager to add them.</source>
        <translation>Todavía no hay paquetes de lavado configurados. Pida a su gerente que los añada.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>The wash menu could not be loaded. %1</source>
        <translation>No se pudo cargar la carta de lavados. %1</translation>
    </message>
    <message>
        <source>Today, %1</source>
        <translation>Hoy, %1</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>Actualizado: %1</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message>
        <source>not offered</source>
        <translation>no se ofrece</translation>
    </message>
    <message>
        <source>%1 +%2</source>
        <translation>%1 +%2</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguno</translation>
    </message>
</context>
<context>
    <name>WalkInDialog</name>
    <message>
        <source>now</source>
        <translation>ahora</translation>
    </message>
    <message numerus="yes">
        <source>in %n min</source>
        <translation>
            <numerusform>en %n min</numerusform>
            <numerusform>en %n min</numerusform>
        </translation>
    </message>
    <message>
        <source>in %1 h %2 min</source>
        <translation>en %1 h %2 min</translation>
    </message>
    <message>
        <source>New walk-in</source>
        <translation>Nuevo cliente sin cita</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>Vehículo</translation>
    </message>
    <message>
        <source>&amp;Car</source>
        <translation>&amp;Turismo</translation>
    </message>
    <message>
        <source>&amp;SUV</source>
        <translation>&amp;SUV</translation>
    </message>
    <message>
        <source>T&amp;ruck</source>
        <translation>Camio&amp;neta</translation>
    </message>
    <message>
        <source>Add-ons</source>
        <translation>Extras</translation>
    </message>
    <message>
        <source>Choose a wash to see its add-ons.</source>
        <translation>Elija un lavado para ver sus extras.</translation>
    </message>
    <message>
        <source>Next free time</source>
        <translation>Próxima hora libre</translation>
    </message>
    <message>
        <source>Price and duration</source>
        <translation>Precio y duración</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Aviso</translation>
    </message>
    <message>
        <source>Licence plate</source>
        <translation>Matrícula</translation>
    </message>
    <message>
        <source>e.g. AB 123 CD</source>
        <translation>p. ej., AB 123 CD</translation>
    </message>
    <message>
        <source>Customer name</source>
        <translation>Nombre del cliente</translation>
    </message>
    <message>
        <source>Phone (optional)</source>
        <translation>Teléfono (opcional)</translation>
    </message>
    <message>
        <source>E-mail (optional)</source>
        <translation>Correo electrónico (opcional)</translation>
    </message>
    <message>
        <source>&amp;Plate:</source>
        <translation>&amp;Matrícula:</translation>
    </message>
    <message>
        <source>N&amp;ame:</source>
        <translation>N&amp;ombre:</translation>
    </message>
    <message>
        <source>P&amp;hone:</source>
        <translation>Te&amp;léfono:</translation>
    </message>
    <message>
        <source>&amp;E-mail:</source>
        <translation>&amp;Correo:</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <source>Last visits</source>
        <translation>Últimas visitas</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Servicio</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>Reservada</translation>
    </message>
    <message>
        <source>Booked — confirmation code</source>
        <translation>Reservado — código de confirmación</translation>
    </message>
    <message>
        <source>&amp;Book</source>
        <translation>&amp;Reservar</translation>
    </message>
    <message>
        <source>Book</source>
        <translation>Reservar</translation>
    </message>
    <message>
        <source>Book this walk-in (Enter)</source>
        <translation>Reservar este cliente sin cita (Intro)</translation>
    </message>
    <message>
        <source>&amp;Next car</source>
        <translation>Si&amp;guiente coche</translation>
    </message>
    <message>
        <source>Next car</source>
        <translation>Siguiente coche</translation>
    </message>
    <message>
        <source>An empty form for the next walk-in (Ctrl+N)</source>
        <translation>Un formulario vacío para el siguiente cliente sin cita (Ctrl+N)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Cerrar (Esc)</translation>
    </message>
    <message>
        <source>Loading the washes…</source>
        <translation>Cargando los lavados…</translation>
    </message>
    <message>
        <source>The washes could not be loaded. %1</source>
        <translation>No se pudieron cargar los lavados. %1</translation>
    </message>
    <message>
        <source>No washes are offered yet.</source>
        <translation>Todavía no se ofrece ningún lavado.</translation>
    </message>
    <message>
        <source>not for this vehicle</source>
        <translation>no para este vehículo</translation>
    </message>
    <message>
        <source>%1 · %2 min</source>
        <translation>%1 · %2 min</translation>
    </message>
    <message>
        <source>%1  %2
%3</source>
        <translation>%1  %2
%3</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>No add-ons for this wash.</source>
        <translation>Este lavado no tiene extras.</translation>
    </message>
    <message>
        <source>%1  +%2, +%3 min</source>
        <translation>%1  +%2, +%3 min</translation>
    </message>
    <message>
        <source>%1  +%2</source>
        <translation>%1  +%2</translation>
    </message>
    <message>
        <source>The next free time could not be found. %1</source>
        <translation>No se pudo encontrar la próxima hora libre. %1</translation>
    </message>
    <message>
        <source>%1 on %2 is not free for this wash; the next free time is offered instead.</source>
        <translation>%1 en %2 no está libre para este lavado; se ofrece la próxima hora libre.</translation>
    </message>
    <message>
        <source>%1 is not free for this wash; the next free time is offered instead.</source>
        <translation>%1 no está libre para este lavado; se ofrece la próxima hora libre.</translation>
    </message>
    <message>
        <source>%1 has no free time for this wash; the next free time on any bay is offered instead.</source>
        <translation>%1 no tiene hora libre para este lavado; se ofrece la próxima hora libre en cualquier box.</translation>
    </message>
    <message>
        <source>The time chosen on the board cannot be used: %1 The next free time is offered instead.</source>
        <translation>La hora elegida en el tablero no se puede usar: %1 Se ofrece la próxima hora libre.</translation>
    </message>
    <message>
        <source>any bay</source>
        <translation>cualquier box</translation>
    </message>
    <message>
        <source>Chosen on the board: %1 on %2. Choose a wash.</source>
        <translation>Elegido en el tablero: %1 en %2. Elija un lavado.</translation>
    </message>
    <message>
        <source>Chosen on the board: %1. Choose a wash.</source>
        <translation>Elegido en el tablero: %1. Elija un lavado.</translation>
    </message>
    <message>
        <source>Choose a wash to see the next free time.</source>
        <translation>Elija un lavado para ver la próxima hora libre.</translation>
    </message>
    <message>
        <source>Finding the next free time…</source>
        <translation>Buscando la próxima hora libre…</translation>
    </message>
    <message>
        <source>No free time: the site is closed or fully booked for this wash within the booking horizon.</source>
        <translation>Sin hora libre: el local está cerrado o completo para este lavado dentro del plazo de reserva.</translation>
    </message>
    <message>
        <source>Chosen on the board: %1 on %2 — %3</source>
        <translation>Elegido en el tablero: %1 en %2 — %3</translation>
    </message>
    <message>
        <source>Next free: %1 on %2 — %3</source>
        <translation>Próxima libre: %1 en %2 — %3</translation>
    </message>
    <message>
        <source>Nothing free today. Next free: %1 on %2</source>
        <translation>Nada libre hoy. Próxima libre: %1 en %2</translation>
    </message>
    <message>
        <source>%1 is not offered for a %2.</source>
        <translation>%1 no se ofrece para %2.</translation>
    </message>
    <message>
        <source>Total %1 · %2 min</source>
        <translation>Total %1 · %2 min</translation>
    </message>
    <message>
        <source>The plate could not be looked up. %1</source>
        <translation>No se pudo consultar la matrícula. %1</translation>
    </message>
    <message>
        <source>Type the customer&apos;s name, or press Retry.</source>
        <translation>Escriba el nombre del cliente o pulse Reintentar.</translation>
    </message>
    <message>
        <source>New customer: this plate has not been here before.</source>
        <translation>Cliente nuevo: esta matrícula no ha venido antes.</translation>
    </message>
    <message numerus="yes">
        <source>Known customer: %1 — %n completed visit(s)</source>
        <translation>
            <numerusform>Cliente conocido: %1 — %n visita completada</numerusform>
            <numerusform>Cliente conocido: %1 — %n visitas completadas</numerusform>
        </translation>
    </message>
    <message>
        <source>Looking up the plate…</source>
        <translation>Consultando la matrícula…</translation>
    </message>
    <message>
        <source>There is no free time to book for this wash.</source>
        <translation>No hay ninguna hora libre que reservar para este lavado.</translation>
    </message>
    <message>
        <source>The booking was not saved. %1</source>
        <translation>La reserva no se guardó. %1</translation>
    </message>
    <message>
        <source>That time was just taken. The next free time is shown above; press Enter to book it.</source>
        <translation>Esa hora acaba de ocuparse. Arriba se muestra la próxima hora libre; pulse Intro para reservarla.</translation>
    </message>
    <message>
        <source>That time was just taken. Looking for the next free time…</source>
        <translation>Esa hora acaba de ocuparse. Buscando la próxima hora libre…</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>%1, %2 + %3</source>
        <translation>%1, %2 + %3</translation>
    </message>
    <message>
        <source>%1 on %2, until %3
%4
%5 · %6
%7</source>
        <translation>%1 en %2, hasta las %3
%4
%5 · %6
%7</translation>
    </message>
    <message>
        <source>Booked, code %1. %2</source>
        <translation>Reservado, código %1. %2</translation>
    </message>
    <message>
        <source>Booked for %1 on %2</source>
        <translation>Reservado para %1 en %2</translation>
    </message>
    <message>
        <source>Total %1</source>
        <translation>Total %1</translation>
    </message>
    <message>
        <source>Booking…</source>
        <translation>Reservando…</translation>
    </message>
    <message>
        <source>Wash (Alt+1–9)</source>
        <translation>Lavado (Alt+1–9)</translation>
    </message>
    <message>
        <source>Type the plate at once. Choose a wash with Alt+1 to Alt+9, or go to the washes with Shift+Tab and choose with the arrow keys.</source>
        <translation>Escriba la matrícula directamente. Elija un lavado con Alt+1 a Alt+9, o vaya a los lavados con Mayús+Tab y elija con las flechas.</translation>
    </message>
    <message>
        <source>Choose a wash first (Alt+1 to Alt+9).</source>
        <translation>Elija primero un lavado (Alt+1 a Alt+9).</translation>
    </message>
</context>
<context>
    <name>WashScreen</name>
    <message>
        <source>Choose your wash</source>
        <translation>Elija su lavado</translation>
    </message>
    <message>
        <source>Choosing a wash: %1, %2</source>
        <translation>Eligiendo un lavado: %1, %2</translation>
    </message>
    <message>
        <source>Choosing a wash</source>
        <translation>Eligiendo un lavado</translation>
    </message>
    <message>
        <source>+ %1
%2</source>
        <translation>+ %1
%2</translation>
    </message>
    <message>
        <source>Add %1, %2</source>
        <translation>Añadir %1, %2</translation>
    </message>
    <message>
        <source>Chosen</source>
        <translation>Elegido</translation>
    </message>
    <message>
        <source>Prices for this vehicle size</source>
        <translation>Precios para este tamaño de vehículo</translation>
    </message>
    <message>
        <source>not for this vehicle</source>
        <translation>no para este vehículo</translation>
    </message>
    <message>
        <source>%1
%2 · %3 min</source>
        <translation>%1
%2 · %3 min</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>Add extras (optional):</source>
        <translation>Añada extras (opcional):</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Añadido</translation>
    </message>
    <message>
        <source>Not added</source>
        <translation>No añadido</translation>
    </message>
    <message>
        <source>Continue · %1</source>
        <translation>Continuar · %1</translation>
    </message>
    <message>
        <source>Choose a wash above</source>
        <translation>Elija un lavado arriba</translation>
    </message>
    <message>
        <source>Continue with %1, %2</source>
        <translation>Continuar con %1, %2</translation>
    </message>
</context>
<context>
    <name>WebhookHandler</name>
    <message>
        <source>The request body is larger than %1 bytes.</source>
        <translation>El cuerpo de la solicitud supera los %1 bytes.</translation>
    </message>
    <message>
        <source>This server has no webhook signing secret (STRIPE_WEBHOOK_SECRET), so it cannot check Stripe&apos;s events yet.</source>
        <translation>Este servidor no tiene secreto de firma de webhooks (STRIPE_WEBHOOK_SECRET), así que aún no puede comprobar los eventos de Stripe.</translation>
    </message>
    <message>
        <source>The Stripe-Signature header is missing, does not match or is too old.</source>
        <translation>La cabecera Stripe-Signature falta, no coincide o es demasiado antigua.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>The front desk of a car wash. Database: DATABASE_URL, the saved settings, or the private database on this computer.</source>
        <translation>El mostrador de un autolavado. Base de datos: DATABASE_URL, los ajustes guardados o la base de datos privada de este ordenador.</translation>
    </message>
    <message>
        <source>Run as the locked, full-screen self-service kiosk.</source>
        <translation>Funcionar como quiosco de autoservicio bloqueado a pantalla completa.</translation>
    </message>
    <message>
        <source>The kiosk&apos;s name as managers set it up (default: this computer&apos;s name).</source>
        <translation>El nombre del quiosco tal como lo configuran los gerentes (por defecto: el nombre de este ordenador).</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NOMBRE</translation>
    </message>
    <message>
        <source>--kiosk-name is for --kiosk only.</source>
        <translation>--kiosk-name es solo para --kiosk.</translation>
    </message>
    <message>
        <source>Print the version of CarWash Desk and exit.</source>
        <translation>Muestra la versión de CarWash Desk y termina.</translation>
    </message>
</context>
</TS>

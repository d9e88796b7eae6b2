//! Messages and the callback URLs their events go to.

use crate::support::*;
use flowroute::PhoneNumber;
use flowroute::chrono::{Duration as Days, Utc};
use flowroute::messages::{CallbackType, Message, MessageDirection, MessageStatus};
use flowroute::routes::NewRoute;
use std::collections::BTreeSet;

/// The brief's first flow: buy a number, route it, send an SMS and an MMS from
/// it, and find the records by id and in a date range (not in another one).
pub(crate) async fn messaging_flow(env: &Env) {
    let numbers = env.client.numbers();
    let routes = env.client.routes();
    let messages = env.client.messages();

    let pick = numbers
        .search()
        .limit(1)
        .page()
        .await
        .unwrap()
        .items
        .remove(0);
    let bought = numbers
        .purchase(&pick.number)
        .messaging_enabled(true)
        .await
        .unwrap();
    let number = bought.details.attributes.number.clone();
    assert_eq!(bought.details.attributes.messaging_enabled, Some(true));
    assert_eq!(number, pick.number);
    let primary = routes
        .create(NewRoute::host("sip.example.com", "e2e msg primary"))
        .await
        .unwrap();
    let failover = routes
        .create(NewRoute::number("12065550100", "e2e msg failover"))
        .await
        .unwrap();
    routes.set_primary(&number, &primary.id).await.unwrap();
    routes.set_failover(&number, &failover.id).await.unwrap();
    let details = numbers.get(&number).await.unwrap();
    assert_eq!(details.primary_route.as_ref(), Some(&primary.id));
    assert_eq!(details.failover_route.as_ref(), Some(&failover.id));

    let before = Utc::now() - Days::seconds(1);
    let to: PhoneNumber = "12065550100".parse().unwrap();
    let body = "hello from the e2e test";
    let sms = messages
        .send(Message::sms(number.clone(), to.clone(), body))
        .await
        .unwrap()
        .id;
    assert!(sms.as_str().starts_with("mdr2-"), "{sms}");
    let mms = messages
        .send(
            Message::mms(number.clone(), to.clone())
                .body("look")
                .media_url("https://media.example.com/cat.gif"),
        )
        .await
        .unwrap()
        .id;
    assert_ne!(sms, mms, "every message gets its own id");
    let after = Utc::now() + Days::seconds(1);

    let record = messages.get(&sms).await.unwrap();
    assert_eq!(record.id, sms);
    assert_eq!((&record.from, &record.to), (&number, &to));
    assert_eq!(record.body.as_deref(), Some(body));
    assert_eq!(record.direction, MessageDirection::Outbound);
    assert!(!record.is_mms);
    assert_eq!(record.amount_nanodollars, 4_000_000, "one SMS segment");
    assert_eq!(record.amount_display.as_deref(), Some("$0.0040"));
    assert_eq!(record.message_encoding, Some(0));
    let stamped = record.timestamp.expect("the record has a time");
    assert!(
        before <= stamped && stamped <= after,
        "{stamped} is not the send time"
    );

    let delivered = eventually("the SMS's level 2 receipt in its record", || async {
        let record = messages.get(&sms).await.unwrap();
        (record.delivery_receipts.len() == 2).then_some(record)
    })
    .await;
    assert_eq!(delivered.status, Some(MessageStatus::Delivered));
    let levels: BTreeSet<Option<i32>> = delivered
        .delivery_receipts
        .iter()
        .map(|r| r.level)
        .collect();
    assert_eq!(levels, BTreeSet::from([Some(1), Some(2)]));

    let picture = messages.get(&mms).await.unwrap();
    assert!(picture.is_mms);
    assert_eq!(picture.body.as_deref(), Some("look"));
    assert_eq!(picture.media_ids.len(), 1, "{picture:?}");
    assert_eq!(picture.amount_nanodollars, 19_500_000, "one MMS");

    let in_window = messages.list(before).end(after).all().await.unwrap();
    let ids: Vec<&str> = in_window.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids.iter().filter(|id| **id == sms.as_str()).count(),
        1,
        "{ids:?}"
    );
    assert!(ids.contains(&mms.as_str()), "{ids:?}");
    let listed = in_window.iter().find(|m| m.id == sms).unwrap();
    assert_eq!(listed.body.as_deref(), Some(body));
    assert_eq!(listed.direction, MessageDirection::Outbound);
    let one_by_one = messages
        .list(before)
        .end(after)
        .limit(1)
        .all()
        .await
        .unwrap();
    let one_by_one: Vec<&str> = one_by_one.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        one_by_one, ids,
        "pages of one follow the next links to the same list"
    );
    let earlier = messages
        .list(before - Days::days(2))
        .end(before - Days::days(1))
        .all()
        .await
        .unwrap();
    assert!(
        earlier.iter().all(|m| m.id != sms && m.id != mms),
        "a window before the send excludes the messages: {earlier:?}"
    );
}

#[tokio::test]
async fn a_bought_and_routed_number_sends_messages_found_by_id_and_by_date_range() {
    messaging_flow(&Env::start().await).await;
}

/// Account and number callback URLs: set, read back, removed (then 404).
/// The URLs point at a closed loopback port: nothing leaves the machine.
pub(crate) async fn callback_urls_flow(env: &Env) {
    let messages = env.client.messages();
    let sms_url = "http://127.0.0.1:9/e2e/sms";
    let dlr_url = "http://127.0.0.1:9/e2e/dlr";
    messages
        .set_account_callback(CallbackType::SmsCallback, sms_url)
        .await
        .unwrap();
    messages
        .set_account_callback(CallbackType::SmsDlrCallback, dlr_url)
        .await
        .unwrap();
    let sms = messages
        .account_callback(CallbackType::SmsCallback)
        .await
        .unwrap();
    assert_eq!(sms.callback_url.as_deref(), Some(sms_url));
    assert_eq!(sms.product.as_deref(), Some("sms"));
    let dlr = messages
        .account_callback(CallbackType::SmsDlrCallback)
        .await
        .unwrap();
    assert_eq!(dlr.callback_url.as_deref(), Some(dlr_url));
    assert_eq!(dlr.product.as_deref(), Some("dlr"));

    messages
        .remove_account_callback(CallbackType::SmsCallback)
        .await
        .unwrap();
    let removed = api_error(messages.account_callback(CallbackType::SmsCallback).await);
    assert_eq!(removed.status.as_u16(), 404, "a removed URL is gone");
    let kept = messages
        .account_callback(CallbackType::SmsDlrCallback)
        .await
        .unwrap();
    assert_eq!(
        kept.callback_url.as_deref(),
        Some(dlr_url),
        "the other URL stays"
    );

    let number = env.first_number().await;
    let own = "http://127.0.0.1:9/e2e/number-dlr";
    messages
        .set_number_callback(&number, CallbackType::DlrCallback, own)
        .await
        .unwrap();
    let read = messages
        .number_callback(&number, CallbackType::DlrCallback)
        .await
        .unwrap();
    assert_eq!(read.callback_url.as_deref(), Some(own));
    messages
        .remove_number_callback(&number, CallbackType::DlrCallback)
        .await
        .unwrap();
    let removed = api_error(
        messages
            .number_callback(&number, CallbackType::DlrCallback)
            .await,
    );
    assert_eq!(removed.status.as_u16(), 404);
    assert_eq!(removed.operation, "look_up_number_callback_url");
}

#[tokio::test]
async fn callback_urls_are_set_read_and_removed_for_the_account_and_a_number() {
    callback_urls_flow(&Env::start().await).await;
}

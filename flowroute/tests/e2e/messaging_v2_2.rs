//! Messages v2.2 against the simulator: one account behind both versions, the
//! price of each send, and the v2.2 account callbacks.

use crate::support::*;
use flowroute::chrono::{Duration as Days, Utc};
use flowroute::messages::{CallbackType, Decimal, Message, MessagingVersion};

pub(crate) async fn messaging_v2_2_flow(env: &Env) {
    let v2_1 = env.client.clone();
    let v2_2 = env.client.with_messaging_version(MessagingVersion::V2_2);
    let from = env.first_number().await;
    let before = Utc::now() - Days::seconds(1);

    // 161 ASCII characters: two segments.
    let long = "a".repeat(161);
    let sent = v2_2
        .messages()
        .send(Message::sms(&from, "+1 206 555 0100", long))
        .await
        .unwrap();
    assert_eq!(sent.version, MessagingVersion::V2_2);
    let price = sent.price.clone().expect("a v2.2 send says what it cost");
    assert_eq!(price.segment_count, Some(2));
    assert_eq!(price.base_rate, Some(Decimal::new(40, 4)));
    assert_eq!(
        price.expected_cost(),
        price.charged_cost,
        "Flowroute's formula"
    );
    let mms = v2_2
        .messages()
        .send(Message::mms(&from, "12065550100").media_url("https://example.com/a.png"))
        .await
        .unwrap();
    let mms_price = mms.price.expect("an MMS price");
    assert_eq!(mms_price.segment_count, Some(1));

    // The same account behind both versions.
    let by_v2_1 = v2_1.messages().get(&sent).await.unwrap();
    let by_v2_2 = v2_2.messages().get(&sent).await.unwrap();
    assert_eq!(by_v2_1, by_v2_2);
    // The record's charge is the price the send reported.
    assert_eq!(
        Decimal::new(by_v2_2.amount_nanodollars, 9),
        price.charged_cost.unwrap()
    );
    let old = v2_1
        .messages()
        .send(Message::sms(&from, "12065550101", "sent on v2.1"))
        .await
        .unwrap();
    assert_eq!(old.price, None, "v2.1 answers without a price");
    let listed = v2_2.messages().list(before).all().await.unwrap();
    for id in [&sent.id, &mms.id, &old.id] {
        assert!(listed.iter().any(|m| &m.id == id), "{id} listed on v2.2");
    }
    let paged = v2_2.messages().list(before).limit(1).all().await.unwrap();
    assert_eq!(paged.len(), listed.len(), "v2.2 pages follow their links");

    // The four v2.2 callback types, without the v2.1 `api_version`.
    let messages = v2_2.messages();
    for kind in [
        CallbackType::SmsCallback,
        CallbackType::MmsCallback,
        CallbackType::SmsDlrCallback,
        CallbackType::MmsDlrCallback,
    ] {
        let url = format!("https://example.com/{kind}");
        messages
            .set_account_callback(kind.clone(), &url)
            .await
            .unwrap();
        let callback = messages.account_callback(kind.clone()).await.unwrap();
        assert_eq!(callback.callback_url.as_deref(), Some(url.as_str()));
        assert_eq!(callback.api_version, None);
    }
    messages
        .remove_account_callback(CallbackType::MmsDlrCallback)
        .await
        .unwrap();
    let gone = messages
        .account_callback(CallbackType::MmsDlrCallback)
        .await;
    assert_eq!(api_error(gone).status.as_u16(), 404);
}

#[tokio::test]
async fn v2_2_and_v2_1_share_one_account_and_v2_2_sends_report_their_price() {
    messaging_v2_2_flow(&Env::start().await).await;
}

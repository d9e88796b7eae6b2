//! E911 addresses: validation, assignment, refused deletion while assigned.

use crate::support::*;
use flowroute::e911::{E911AddressType, E911Country, NewE911Address};
use flowroute::{Error, PhoneNumber};

fn office() -> NewE911Address {
    NewE911Address::new()
        .label("E2E Office")
        .first_name("Albus")
        .last_name("Rasputin, Jr.")
        .street_number("666")
        .street_name("Main St")
        .city("Seattle")
        .state("wa")
        .country(E911Country::Us)
        .zip("98101")
        .unit(E911AddressType::Suite, "333")
}

/// E911: validate, create, find, update, assign to a number, list the
/// address's numbers, refuse deletion while assigned, remove, delete.
pub(crate) async fn e911_flow(env: &Env) {
    let e911s = env.client.e911s();
    e911s.validate(&office()).await.unwrap();
    let unknown_street = api_error(e911s.validate(&office().street_name("Nowhere Rd")).await);
    assert_eq!(
        unknown_street.status.as_u16(),
        400,
        "an address that cannot be geocoded"
    );

    let created = e911s.create(office()).await.unwrap();
    assert_eq!(created.label, "E2E Office");
    assert_eq!(
        (created.first_name.as_str(), created.last_name.as_str()),
        ("Albus", "Rasputin, Jr.")
    );
    assert_eq!(
        (
            created.street_number.as_str(),
            created.street_name.as_str(),
            created.city.as_str()
        ),
        ("666", "Main St", "Seattle")
    );
    assert_eq!(
        (created.state.as_str(), created.country.as_str()),
        ("WA", "US")
    );
    assert_eq!(created.zip, "98101");
    assert_eq!(created.address_type, Some(E911AddressType::Suite));
    assert_eq!(created.address_type_number.as_deref(), Some("333"));
    assert_eq!(e911s.get(&created.id).await.unwrap(), created);
    let found = e911s.list().label("e2e").state("WA").all().await.unwrap();
    assert_eq!(found, vec![created.clone()], "the filters find it");
    assert!(
        e911s
            .list()
            .city("Portland")
            .all()
            .await
            .unwrap()
            .is_empty()
    );

    let moved = e911s
        .update(&created.id)
        .label("E2E Office moved")
        .await
        .unwrap();
    assert_eq!(moved.label, "E2E Office moved");
    assert_eq!(moved.city, "Seattle", "an update keeps the other fields");
    assert_eq!(
        e911s.get(&created.id).await.unwrap(),
        moved,
        "the update sticks"
    );

    let number = env.first_number().await;
    e911s.assign(&number, &created.id).await.unwrap();
    let users = e911s.numbers(&created.id).all().await.unwrap();
    let users: Vec<Option<&PhoneNumber>> = users.iter().map(|u| u.number.as_ref()).collect();
    assert_eq!(users, vec![Some(&number)], "the address lists its number");
    let details = env.client.numbers().get(&number).await.unwrap();
    assert_eq!(details.e911_address.as_ref(), Some(&created.id));

    let refused = e911s.delete(&created.id).await;
    match &refused {
        Err(Error::Api(e)) => {
            assert_eq!(e.status.as_u16(), 403);
            assert_eq!(e.operation, "delete_e911_address");
            assert!(
                detail(e).contains("still assigned"),
                "Flowroute's detail: {e}"
            );
        }
        other => panic!("deleting an assigned address must be refused with 403, got {other:?}"),
    }
    assert_eq!(
        e911s.get(&created.id).await.unwrap(),
        moved,
        "the refused delete kept it"
    );

    e911s.remove_from_number(&number).await.unwrap();
    assert!(e911s.numbers(&created.id).all().await.unwrap().is_empty());
    let details = env.client.numbers().get(&number).await.unwrap();
    assert_eq!(details.e911_address, None);
    e911s.delete(&created.id).await.unwrap();
    assert_eq!(api_error(e911s.get(&created.id).await).status.as_u16(), 404);
    assert!(e911s.list().all().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_e911_address_cannot_be_deleted_while_assigned_and_can_be_after_removal() {
    e911_flow(&Env::start().await).await;
}

//! CNAM records: assignable only once approved.

use crate::support::*;

/// CNAM: create (pending), update while pending, assignment refused while
/// pending, approval in the simulator, assign, unassign, delete.
pub(crate) async fn cnam_flow(env: &Env) {
    let cnams = env.client.cnams();
    let created = cnams.create("E2E TEST CO").await.unwrap();
    assert_eq!(created.value, "E2E TEST CO");
    assert!(!created.is_approved);
    assert_eq!(created.approved_at(), None);
    assert!(
        created.created_at().is_some(),
        "{:?}",
        created.creation_datetime
    );
    let pending = cnams.list().is_approved(false).all().await.unwrap();
    assert_eq!(pending, vec![created.clone()]);
    assert!(
        cnams
            .list()
            .is_approved(true)
            .all()
            .await
            .unwrap()
            .is_empty()
    );

    let renamed = cnams.update(&created.id, "E2E TESTING CO").await.unwrap();
    assert_eq!(renamed.value, "E2E TESTING CO");
    assert_eq!(renamed.id, created.id);
    assert_eq!(
        cnams.get(&created.id).await.unwrap().value,
        "E2E TESTING CO"
    );

    let number = env.first_number().await;
    let refused = api_error(cnams.assign(&number, &created.id).await);
    assert_eq!(
        refused.status.as_u16(),
        422,
        "a pending record cannot be assigned"
    );
    assert_eq!(refused.operation, "assign_cnam_record_to_number");
    assert!(detail(&refused).contains("approved"), "{refused}");
    assert_eq!(
        env.client.numbers().get(&number).await.unwrap().cnam_preset,
        None
    );

    env.sim.approve_cnam(created.id.as_str()).unwrap();
    let approved = cnams.get(&created.id).await.unwrap();
    assert!(approved.is_approved);
    assert!(
        approved.approved_at().is_some(),
        "{:?}",
        approved.approval_datetime
    );
    assert!(approved.numbers.is_empty());

    let association = cnams.assign(&number, &created.id).await.unwrap();
    assert!(association.id.is_some(), "{association:?}");
    assert!(association.created_at().is_some(), "{association:?}");
    assert_eq!(
        cnams.get(&created.id).await.unwrap().numbers,
        vec![number.clone()]
    );
    let details = env.client.numbers().get(&number).await.unwrap();
    assert_eq!(details.cnam_preset.as_ref(), Some(&created.id));

    let removal = cnams.unassign(&number).await.unwrap();
    assert_eq!(removal.id, None);
    assert!(removal.created_at().is_some(), "{removal:?}");
    assert!(cnams.get(&created.id).await.unwrap().numbers.is_empty());
    assert_eq!(
        env.client.numbers().get(&number).await.unwrap().cnam_preset,
        None
    );

    cnams.delete(&created.id).await.unwrap();
    assert_eq!(api_error(cnams.get(&created.id).await).status.as_u16(), 404);
    assert!(cnams.list().all().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_cnam_record_is_assignable_only_once_approved() {
    cnam_flow(&Env::start().await).await;
}

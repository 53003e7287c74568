package redisbudget_test

import (
	"context"
	"log"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/redisbudget"
)

// Every process of the fleet (bots, a CRM sync, a dashboard) builds its
// client this way, with the same Redis and Name: together they keep the
// application's 1,000 requests an hour, 10,000 a day, one at a time.
func ExampleNew() {
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_ADDR")})
	defer rdb.Close()
	// If Redis is down, this process keeps going within a tenth of the
	// budget instead of failing its calls.
	tenth, err := conversation.NewLocalLimiter(conversation.BudgetLimits{PerHour: 100, PerDay: 1000, Burst: 10, DailyBurst: 100})
	if err != nil {
		log.Fatal(err)
	}
	budget, err := redisbudget.New(rdb, redisbudget.Options{
		Name:     "my-ultracart-app",
		Fallback: tenth,
		OnError:  func(err error) { log.Print(err) },
	})
	if err != nil {
		log.Fatal(err)
	}
	c, err := conversation.NewClient(conversation.WithSimpleKey(os.Getenv("ULTRACART_SIMPLE_KEY")),
		conversation.WithLimiter(budget))
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.GetConversationDepartments(ctx); err != nil {
		log.Print(err)
	}
	log.Printf("budget: %+v", c.Budget())
}
